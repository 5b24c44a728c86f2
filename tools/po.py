"""The translator's commands: check, stats, update and format the gettext catalogs.

python tools/po.py check [PO ...]      the gate; exit 1 on any problem
python tools/po.py stats [--json]      translated / fuzzy / untranslated / obsolete
python tools/po.py update [--pot-dir build/gettext] [--language en]
python tools/po.py format [PO ...]     rewrite in the project's one form (Babel, width 79)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.pocheck import Project, check_catalogs  # noqa: E402
from tools.pocheck.catalogs import (  # noqa: E402
    Stats,
    catalog_stats,
    document_catalogs,
    format_catalog,
    total_stats,
    update_catalog,
)


def stats_table(all_stats: list[Stats]) -> str:
    """A readable table: entries and source characters per state, per catalog and in total."""
    header = ["catalog", *Stats.STATES, "chars done", "%"]
    rows = [header]
    for stats in [*all_stats, total_stats(all_stats)]:
        rows.append(
            [
                stats.catalog,
                *(str(stats.entries.get(s, 0)) for s in Stats.STATES),
                f"{stats.chars.get('translated', 0)}/{stats.total_chars}",
                f"{stats.percent:.1f}",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=False))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def command_check(project: Project, args: argparse.Namespace) -> int:
    problems = check_catalogs(project, [p.resolve() for p in args.files] or None)
    for problem in problems:
        print(problem)
    count = len(project.all_catalogs()) if not args.files else len(args.files)
    if problems:
        print(f"check-po: {len(problems)} problem(s) in {count} catalog(s)", file=sys.stderr)
        return 1
    print(f"check-po: {count} catalog(s) OK", file=sys.stderr)
    return 0


def command_stats(project: Project, args: argparse.Namespace) -> int:
    all_stats = [catalog_stats(p, project.relative(p)) for p in document_catalogs(project, args.language)]
    if args.json:
        data = {"catalogs": [s.as_dict() for s in all_stats], "total": total_stats(all_stats).as_dict()}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(stats_table(all_stats))
    return 0


def command_update(project: Project, args: argparse.Namespace) -> int:
    pots = sorted(args.pot_dir.glob("*.pot"))
    if not pots:
        print(f"update-po: no templates in {args.pot_dir}; run `make gettext` first", file=sys.stderr)
        return 1
    for pot in pots:
        po = project.locale_dir / args.language / "LC_MESSAGES" / f"{pot.stem}.po"
        print(f"{update_catalog(pot, po, args.language):9} {project.relative(po)}")
    return 0


def command_format(project: Project, args: argparse.Namespace) -> int:
    for path in args.files or document_catalogs(project):
        if format_catalog(path):
            print(f"formatted {project.relative(path)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (default: this checkout)")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run the catalog gate")
    check.add_argument("files", nargs="*", type=Path)
    stats = commands.add_parser("stats", help="translation progress per catalog")
    stats.add_argument("--json", action="store_true")
    stats.add_argument("--language", default="en")
    update = commands.add_parser("update", help="merge new templates into the catalogs")
    update.add_argument("--pot-dir", type=Path, default=ROOT / "build" / "gettext")
    update.add_argument("--language", default="en")
    fmt = commands.add_parser("format", help="rewrap the catalogs to the project's width")
    fmt.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    project = Project(args.root.resolve())
    handler = {"check": command_check, "stats": command_stats, "update": command_update}
    return handler.get(args.command, command_format)(project, args)


if __name__ == "__main__":
    sys.exit(main())
