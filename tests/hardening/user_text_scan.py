"""A source scanner for the ways user text could become code or markup.

User text is data (STYLE.md): never compiled with Template(), never passed to crispy
Fieldset/HTML (which compile their text as a template), never marked safe. The
scanner lists every place that breaks the rule, so a new one fails the test that
uses it; the few deliberate exceptions are named in ALLOWED with the reason.
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
# Called with anything but a literal string, these compile or trust their argument.
COMPILING_CALLS = {"Template", "Fieldset", "HTML", "from_string"}
# Trust their argument whatever it is.
TRUSTING_CALLS = {"mark_safe", "SafeString", "SafeText"}
TEMPLATE_MARKERS = re.compile(
    r"\|\s*safe\b|\|\s*safeseq\b|\{%\s*autoescape\s+off\s*%\}", re.IGNORECASE
)
# (path, function or template) -> why it is fine. Keep this short.
ALLOWED: dict[tuple[str, str], str] = {
    ("communications/notice_language.py", "compile_checked"): (
        "notice templates are Django templates by design, compiled by an engine "
        "with only the allowed tags and filters, after a check of every placeholder"
    ),
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.where}: {self.problem}"


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _literal(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def python_findings(source: str, path: str = "<snippet>") -> list[Finding]:
    """Calls in one Python module that could compile or trust user text."""
    findings: list[Finding] = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = where
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Call):
                name = _name(child.func)
                first = child.args[0] if child.args else None
                if name in TRUSTING_CALLS:
                    findings.append(
                        Finding(path, child.lineno, inner, f"{name}() trusts its text")
                    )
                elif name in COMPILING_CALLS and not _literal(first):
                    findings.append(
                        Finding(
                            path,
                            child.lineno,
                            inner,
                            f"{name}() of a non-literal compiles it as a template",
                        )
                    )
            visit(child, inner)

    visit(ast.parse(source), "<module>")
    return findings


def template_findings(source: str, path: str = "<snippet>") -> list[Finding]:
    """|safe, |safeseq and {% autoescape off %} in one template."""
    findings = []
    for number, line in enumerate(source.splitlines(), start=1):
        for match in TEMPLATE_MARKERS.finditer(line):
            findings.append(
                Finding(path, number, "template", f"{match.group(0)} trusts its text")
            )
    return findings


def _files(suffix: str) -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob(f"*{suffix}")
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts)
    )


def project_findings() -> list[Finding]:
    """Every finding in the project's own code and templates, minus ALLOWED."""
    findings: list[Finding] = []
    for path in _files(".py"):
        relative = str(path.relative_to(ROOT))
        findings += python_findings(path.read_text(encoding="utf-8"), relative)
    for path in _files(".html"):
        relative = str(path.relative_to(ROOT))
        findings += template_findings(path.read_text(encoding="utf-8"), relative)
    return [f for f in findings if (f.path, f.where) not in ALLOWED]
