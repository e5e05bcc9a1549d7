"""The kernel imports no domain app (design/architecture.md, "Layers"): `core` may use the people models
(roles, grants, training), the audit recorder and `estate.School`, and nothing else of Watchkeeper — so the
apps build on the kernel and not on one another through it. Every import counts, function-level ones too."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "watchkeeper"
KERNEL = SRC / "core"
# module → the names the kernel may take from it (None: any name).
ALLOWED: dict[str, frozenset[str] | None] = {
    "watchkeeper.env": None,
    "watchkeeper.people.models": None,
    "watchkeeper.audit.services": frozenset({"record"}),
    "watchkeeper.estate.models": frozenset({"School"}),
}


def _imports(path: Path) -> list[tuple[int, str, frozenset[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, frozenset(alias.name for alias in node.names)))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, frozenset()) for alias in node.names]
    return found


def _outside_the_kernel(module: str, names: frozenset[str]) -> bool:
    if not module.startswith("watchkeeper.") or module.startswith("watchkeeper.core"):
        return False
    if module not in ALLOWED:
        return True
    allowed = ALLOWED[module]
    return allowed is not None and not names <= allowed


def test_the_kernel_imports_no_domain_app() -> None:
    offending = [
        f"{path.relative_to(SRC)}:{line}: {module} {sorted(names)}"
        for path in sorted(KERNEL.rglob("*.py"))
        for line, module, names in _imports(path)
        if _outside_the_kernel(module, names)
    ]
    assert offending == []


def test_the_walk_sees_function_level_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from watchkeeper.evidence import services\n")
    assert [(m, n) for _, m, n in _imports(module)] == [("watchkeeper.evidence", frozenset({"services"}))]
    assert _outside_the_kernel("watchkeeper.evidence", frozenset({"services"}))
    assert _outside_the_kernel("watchkeeper.estate.models", frozenset({"Camera"}))
    assert not _outside_the_kernel("watchkeeper.estate.models", frozenset({"School"}))
