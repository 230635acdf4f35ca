"""The README's performance table comes from a recorded run, and says when that run is not recordable."""

from bench import table

README = """# Civic

## Performance
Some words that stay.

<!-- bench:table:start -->
| old | table |
<!-- bench:table:end -->

What keeps the costs flat (stays too).
"""


def _run(*, load: float, recordable: bool) -> dict:
    return {
        "measured_at": "2026-11-29T18:30:00+00:00",
        "commit": {"sha": "0123456789abcdef", "subject": "x", "dirty": False},
        "load_before": [load, 0.5, 0.4],
        "load_after": [load, 0.6, 0.4],
        "recordable": recordable,
        "forced": not recordable,
        "settings": {"requests": 20, "downloads": 3, "duration_s": 3},
        "machine": {
            "cores": 2,
            "cpu": "AMD EPYC",
            "python": "3.11.7",
            "postgresql": "18.6",
            "members": 1_000_005,
            "bench_cities": 200,
            "server": "gunicorn 2 workers × 2 threads, DEBUG off",
        },
        "pages": [
            {
                "name": "home",
                "path": "/fr/",
                "app": "kernel",
                "kind": "page",
                "login": "",
                "status": 200,
                "requests": 20,
                "p50": 47.5,
                "p95": 63.4,
                "first_byte_p50": 47.0,
                "bytes": 50_000,
                "rps": 35.0,
                "ratio": 0.018,
                "errors": 0,
                "queries": 9,
                "budget": 150,
            },
            {
                "name": "participation: proposals.csv (official)",
                "path": "/fr/cities/bench-0/dashboard/export/proposals.csv",
                "app": "participation",
                "kind": "export",
                "login": "official",
                "status": 200,
                "requests": 3,
                "p50": 9_500.0,
                "p95": 9_800.0,
                "first_byte_p50": 120.0,
                "bytes": 12_400_000,
                "rps": None,
                "ratio": None,
                "errors": 0,
                "queries": None,
                "budget": 0,
            },
        ],
    }


def test_the_readme_table_is_rewritten_only_between_its_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README)

    table.update_readme(_run(load=0.3, recordable=True), readme)

    text = readme.read_text()
    assert "| old | table |" not in text
    assert text.startswith("# Civic\n\n## Performance\nSome words that stay.\n\n<!-- bench:table:start -->\n")
    assert text.endswith("<!-- bench:table:end -->\n\nWhat keeps the costs flat (stays too).\n")
    assert "| home | 47.5 | 63.4 | 47.0 | 35 | 0.018 | 9 | 150 | ok |" in text
    assert (
        "| participation: proposals.csv (official) | 9,500.0 | 9,800.0 | 120.0 | — | — | — | — | 12.4 MB |"
        in text
    )
    assert "at commit `0123456789`" in text
    assert "1-minute load average 0.3 before the run, 0.3 after" in text
    assert "Not recordable" not in text


def test_a_run_on_a_busy_machine_says_it_is_not_recordable(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README)

    table.update_readme(_run(load=3.2, recordable=False), readme)

    assert "**Not recordable** (load average 3.2 before, 3.2 after, above 1" in readme.read_text()


def test_a_readme_without_markers_is_left_alone(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Civic\n| old | table |\n")

    try:
        table.update_readme(_run(load=0.3, recordable=True), readme)
    except SystemExit as exc:
        assert "bench:table:start" in str(exc)
    assert readme.read_text() == "# Civic\n| old | table |\n"
