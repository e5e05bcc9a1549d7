"""The storage app sits beside the kernel (design/storage.md, "Layers"): it imports only `core` and itself,
so every app can store objects and none reaches the others through it. Function-level imports count."""

from __future__ import annotations

import ast
from pathlib import Path

STORAGE = Path(__file__).resolve().parents[2] / "src" / "watchkeeper" / "storage"
ALLOWED = ("watchkeeper.core", "watchkeeper.storage")


def test_storage_imports_only_the_kernel() -> None:
    offending = []
    for path in sorted(STORAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            offending += [
                f"{path.name}:{node.lineno}: {m}"
                for m in modules
                if m.startswith("watchkeeper") and not m.startswith(ALLOWED)
            ]
    assert offending == []
