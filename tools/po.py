"""The translator's commands: check, count, update and rewrap the gettext catalogs (docs/translating.md).
``update`` keeps what ``sphinx-intl update`` drops: a changed message's previous msgid (``#|``), the form."""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bilingual.editions import project_languages  # noqa: E402
from bilingual.progress import Progress, document_catalogs  # noqa: E402
from tools.pocheck import Project, check_catalogs, syntax  # noqa: E402
from tools.pocheck.catalogs import format_catalog, update_catalog  # noqa: E402


def stats_table(all_progress: list[Progress]) -> str:
    """A readable table: entries and source characters per state, per catalog and in total."""
    rows = [["catalog", *Progress.STATES, "chars done", "%"]]
    for progress in [*all_progress, Progress.total(all_progress)]:
        counts = [str(progress.entries[state]) for state in Progress.STATES]
        chars = f"{progress.chars['translated']}/{progress.source_chars}"
        rows.append([progress.name, *counts, chars, f"{progress.percent:.1f}"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join([row[0].ljust(widths[0]), *map(str.rjust, row[1:], widths[1:])]) for row in rows]
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([lines[0], rule, *lines[1:-1], rule, lines[-1]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (default: this checkout)")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="the catalog gate; exit 1 on any problem")
    check.add_argument("files", nargs="*", type=Path)
    stats = commands.add_parser("stats", help="sphinx-intl's counts, per catalog and in total")
    stats.add_argument("--json", action="store_true")
    update = commands.add_parser("update", help="merge new templates (make gettext) into the catalogs")
    update.add_argument("--pot-dir", type=Path, default=ROOT / "build" / "gettext")
    format_ = commands.add_parser("format", help="rewrite in the project's one form (Babel, width 79)")
    format_.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    project = Project(args.root.resolve())
    translations = project_languages(project.root)[1:]
    catalogs = {lang: document_catalogs(project.locale_dir, lang) for lang in translations}

    if args.command == "check":
        problems = check_catalogs(project, [path.resolve() for path in args.files] or None)
        if not args.files:  # (the catalogs as a whole: as current as the source)
            problems += syntax.check_templates(project, translations)
        print(*problems, sep="\n", end="\n" if problems else "")
        count = f"{len(args.files or project.all_catalogs())} catalog(s)"
        summary = f"{len(problems)} problem(s) in {count}" if problems else f"{count} OK"
        print(f"check-po: {summary}", file=sys.stderr)
        return 1 if problems else 0
    if args.command == "stats":
        for language, found in catalogs.items():
            all_progress = [Progress.of(path, project.relative(path)) for path in found]
            total = Progress.total(all_progress)
            data = {"catalogs": [vars(p) for p in all_progress], "total": vars(total)}
            data["percent"] = round(total.percent, 1)
            table = stats_table(all_progress)
            print(json.dumps({language: data}, ensure_ascii=False, indent=2) if args.json else table)
        return 0
    if args.command == "update":
        pots = sorted(args.pot_dir.rglob("*.pot"))
        if not pots:
            print(f"update-po: no templates in {args.pot_dir}; run `make gettext` first", file=sys.stderr)
            return 1
        for language in translations:
            for pot in pots:
                po = project.locale_dir / language / "LC_MESSAGES" / pot.relative_to(args.pot_dir)
                po = po.with_suffix(".po")
                print(f"{update_catalog(pot, po, language):9} {project.relative(po)}")
        return 0
    for path in args.files or [path for found in catalogs.values() for path in found]:
        if format_catalog(path):
            print(f"formatted {project.relative(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
