"""The README's performance table, made from a recorded run (never copied by hand).

``.venv/bin/python bench/table.py [bench/results/runs/<run>.json]`` (default: ``bench/results/latest.json``)
rewrites only the text between ``START`` and ``END`` in README.md; ``make bench`` does it after each run.
A run marked not recordable (load average above 1, ``--force``) says so in the table's first line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START = "<!-- bench:table:start -->"
END = "<!-- bench:table:end -->"


def _ms(value) -> str:
    return "—" if value is None else f"{value:,.1f}"


def header(run: dict) -> str:
    m, s, commit = run["machine"], run["settings"], run["commit"]
    dirty = " plus uncommitted changes" if commit.get("dirty") else ""
    mark = ""
    if not run["recordable"]:
        mark = (
            f"**Not recordable** (load average {run['load_before'][0]} before, {run['load_after'][0]} after, "
            "above 1: other work shared the cores; a development run, not figures to quote). "
        )
    return (
        f"{mark}Measured {run['measured_at'].replace('T', ' ')[:16]} UTC with `make bench` at commit "
        f"`{commit['sha'][:10]}`{dirty}, on {m['cores']} cores ({m['cpu']}), Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}; {m['members']:,} members, {m['bench_cities']} bench cities. "
        f"{m['server']}; p50/p95 of {s['requests']} sequential requests (open-data feeds: "
        f"{min(s['requests'], 10)}, CSV exports: {s['downloads']}, time to first byte and total); "
        f"wrk -t2 -c8 -d{s['duration_s']}s{_rounds(s)} on the same machine. 1-minute load average "
        f"{run['load_before'][0]} before the run, {run['load_after'][0]} after.\n"
    )


def table(run: dict) -> str:
    lines = [
        "| page | p50 ms | p95 ms | first byte p50 ms | req/s (8 clients) | × floor | queries | budget ms | |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in run["pages"]:
        flag = "" if not r["budget"] else ("OVER" if r["p50"] > r["budget"] else "ok")
        if r["status"] != 200 or r["errors"]:
            flag = f"HTTP {r['status']}" + (f", {r['errors']} errors" if r["errors"] else "")
        if r["kind"] != "page" and r["bytes"]:
            flag = f"{r['bytes'] / 1e6:.1f} MB" + (f", {flag}" if flag else "")
        rps = "—" if r["rps"] is None else f"{r['rps']:.0f}" if r["rps"] >= 1 else f"{r['rps']:.2f}"
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.3f}"
        queries = "—" if r["queries"] is None else str(r["queries"])
        lines.append(
            f"| {r['name']} | {_ms(r['p50'])} | {_ms(r['p95'])} | {_ms(r['first_byte_p50'])} | {rps} | {ratio} "
            f"| {queries} | {r['budget'] or '—'} | {flag} |"
        )
    return "\n".join(lines)


def render(run: dict) -> str:
    return header(run) + "\n" + table(run) + "\n"


def update_readme(run: dict, readme: Path = README) -> None:
    """Replace what lies between the two markers of ``readme`` by the run's header and table."""
    text = readme.read_text()
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{readme.name} lacks the markers {START!r} … {END!r} around the performance table.")
    # Blank lines around the block keep the comments from being read as part of the table.
    readme.write_text(text[: start + len(START)] + "\n\n" + render(run) + "\n" + text[end:])


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "bench" / "results" / "latest.json"
    run = json.loads(path.read_text())
    update_readme(run)
    print(f"README.md: performance table rewritten from {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def _rounds(s: dict) -> str:
    """Runs recorded before rounds existed made one wrk run per page, without a browser's headers."""
    if "wrk_rounds" not in s:
        return ""
    return f", median of {s['wrk_rounds']} runs, asking as a browser does (gzip, French)"
