"""A source scanner for writes that would bypass django-simple-history.

Used by test_history_coverage; kept apart so its own behaviour is tested on
snippets as well as on the code base.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {
    ".venv",
    ".git",
    "var",
    "node_modules",
    "static",
    "migrations",
    "tests",
    "__pycache__",
}
QUERYSET_METHODS = {
    "all",
    "filter",
    "exclude",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "order_by",
    "annotate",
    "alias",
    "distinct",
    "using",
    "none",
    "values",
    "only",
    "defer",
    "get_queryset",
}
MANAGER_NAMES = {"objects", "_default_manager", "_base_manager"}
WRITE_SQL = re.compile(r"\b(INSERT|UPDATE|DELETE|TRUNCATE|MERGE|COPY)\b", re.I)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    function: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}(): {self.problem}"


def _chain(node: ast.AST) -> list[ast.AST]:
    """The receiver chain of a call, outermost first: a.b().c -> [c, b(), a]."""
    chain = []
    while True:
        chain.append(node)
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return chain


def _root_model(receiver: ast.AST) -> str | None:
    """Model.objects... -> "Model"; None when the chain does not start so."""
    for node in _chain(receiver):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGER_NAMES
            and isinstance(node.value, ast.Name)
        ):
            return node.value.id
    return None


def _looks_like_queryset(receiver: ast.AST, related_names: set[str]) -> bool:
    for node in _chain(receiver):
        if isinstance(node, ast.Attribute) and (
            node.attr in MANAGER_NAMES or node.attr in related_names
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERYSET_METHODS
        ):
            return True
        if isinstance(node, ast.Name) and (
            "queryset" in node.id.lower() or node.id.lower().endswith("qs")
        ):
            return True
    return False


def _sql_text(node: ast.AST) -> str | None:
    """The literal text of a SQL argument; None when it is not visible."""
    parts = []
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            parts.append(child.value)
    if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp) and parts:
        return " ".join(parts)
    return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str, untracked: set[str], related: set[str]):
        self.path = path
        self.untracked = untracked
        self.related = related
        self.function = "<module>"
        self.findings: list[Finding] = []

    def _flag(self, node: ast.AST, problem: str) -> None:
        self.findings.append(Finding(self.path, node.lineno, self.function, problem))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "update_change_reason":
            self._flag(node, "update_change_reason() rewrites a history row")
        if isinstance(func, ast.Attribute):
            self._check_method(node, func)
        self.generic_visit(node)

    def _check_method(self, node: ast.Call, func: ast.Attribute) -> None:
        model = _root_model(func.value)
        untracked = model is not None and model in self.untracked
        name = func.attr
        if name == "update" and not untracked:
            if _looks_like_queryset(func.value, self.related):
                self._flag(node, f"queryset .update() on {model or 'a queryset'}")
        elif name in ("bulk_update", "bulk_create") and not untracked:
            self._flag(
                node,
                f".{name}() on {model or 'a queryset'} writes without history "
                "(use simple_history.utils.bulk_create_with_history or save())",
            )
        elif name == "copy_from":
            self._flag(node, ".copy_from() bulk-loads a table")
        elif name in ("execute", "executemany", "raw", "copy_expert") and node.args:
            sql = _sql_text(node.args[0])
            if sql is None:
                self._flag(node, f".{name}() with SQL that is not a visible literal")
            elif WRITE_SQL.search(sql):
                self._flag(node, f".{name}() with writing SQL: {sql[:60]!r}")


def scan_source(
    source: str,
    path: str,
    *,
    untracked: set[str],
    related: set[str],
) -> list[Finding]:
    """Writes in source that would change a tracked row without a history row."""
    visitor = _Visitor(path, untracked, related)
    visitor.visit(ast.parse(source, filename=path))
    return visitor.findings


def python_files(root: Path = ROOT) -> list[Path]:
    found = []
    for path in root.rglob("*.py"):
        parts = set(path.relative_to(root).parts[:-1])
        if not parts & SKIPPED_DIRS:
            found.append(path)
    return sorted(found)
