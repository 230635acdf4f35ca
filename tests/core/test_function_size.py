"""Contract: no production function is longer than a screen (issue 15). A longer one is split by
responsibility into well-named helpers. Complexity (at most 15) is ruff's C901, set in pyproject.toml.

Demo and bench data are exempt: their long ``seed()`` functions are lists of rows, not logic."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_PACKAGES = ("civic", "initiatives", "volunteering", "crowdfunding", "participation", "events")
MAX_LINES = 60  # from the ``def`` line to the last line of the body, docstring included


def _exempt(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return (
        "migrations" in parts
        or "bench" in parts
        or path.name == "demo.py"  # demo content loaded by ``manage.py seed_demo``
        or path.name == "bench_seed.py"  # ``manage.py bench_seed``: bench data, written as rows
    )


def _production_files():
    for package in PRODUCTION_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not _exempt(path):
                yield path


def _long_functions(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_LINES:
                yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"


def test_no_production_function_is_longer_than_sixty_lines():
    too_long = [found for path in _production_files() for found in _long_functions(path)]
    assert too_long == []


def test_the_check_reads_the_production_packages_and_skips_demo_data():
    files = {str(path.relative_to(ROOT)) for path in _production_files()}
    assert "civic/notifications/services.py" in files
    assert "crowdfunding/services/pledges.py" in files
    assert "events/demo.py" not in files
    assert not any("/migrations/" in name for name in files)
