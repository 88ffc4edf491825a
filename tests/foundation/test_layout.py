"""The layout rules CI keeps (issue 15) beside lint-imports' layer contracts: no
module over 500 lines, and no template tag that reads another app's data (pages that
show several domains get it from pages.selectors through their view)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("orderreview", "orders", "requirements", "reviews", "communications")
TOP = ("audit", "pages", "devtools")
MAX_LINES = 500


def _modules() -> list[Path]:
    found = []
    for app in APPS + TOP:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found.append(path)
    return found


def test_no_module_outside_migrations_and_tests_is_over_500_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names & set(APPS + TOP)


def test_template_tags_import_no_other_app_than_their_own_and_the_foundation():
    crossing = {}
    for path in _modules():
        if "templatetags" not in path.parts:
            continue
        app = path.relative_to(ROOT).parts[0]
        others = _imported_apps(path) - {app, "orderreview"}
        if others:
            crossing[str(path.relative_to(ROOT))] = sorted(others)
    assert crossing == {}
