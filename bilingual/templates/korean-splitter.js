/* Korean query splitter (bilingual/korean_search.py): words are split into Hangul and
 * other runs, and particles and endings are stripped from the end of Hangul runs. */
var splitQuery = (function () {
  const suffixes = $suffixes;
  const minStem = $min_stem;
  const maxStrips = $max_strips;
  const runRe = /[$hangul]+|[^$hangul]+/g;
  const hangulRe = /^[$hangul]/;
  const queryTerm = (run) => {
    if (!hangulRe.test(run)) return run;
    for (let i = 0; i < maxStrips; i++) {
      const suffix = suffixes.find(
        (s) => run.endsWith(s) && run.length - s.length >= minStem,
      );
      if (suffix === undefined) break;
      run = run.slice(0, run.length - suffix.length);
    }
    return run;
  };
  return (query) =>
    query
      .split(/[^\p{Letter}\p{Number}_]+/u)
      .filter((token) => token)
      .flatMap((token) => token.match(runRe))
      .map(queryTerm);
})();
