"""The refusals written in the sources, found by reading them (AST), for tests that hold every refusal to the
one notation "CLAUSE: reason — next step" (core/errors.py)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "watchkeeper"
REFUSING_CALLS = {"PolicyRefusal", "SecondFactorRefused"}


@dataclass(frozen=True)
class Written:
    where: str  # path:line
    text: str  # the literal's text; an f-string's leading constant


def refusals_in_sources() -> Iterator[Written]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        constants = _string_constants(tree)
        for node in ast.walk(tree):
            for arg in _refusal_args(node):
                text = _leading_text(arg, constants)
                if text is not None:
                    yield Written(f"{path.relative_to(SRC.parent)}:{node.lineno}", text)


def _refusal_args(node: ast.AST) -> list[ast.expr]:
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name in REFUSING_CALLS:
        return node.args[:1]
    # problems.append("…"), problems += ["…"] are the problem-list builders' idiom.
    if name == "append" and isinstance(func, ast.Attribute) and _named(func.value, "problems"):
        return node.args[:1]
    return []


def _named(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "…" (a refusal kept in a constant, e.g. viewing.live.MASKING_REFUSAL)."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _leading_text(arg: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.Name) and arg.id in constants:
        return constants[arg.id]
    if not isinstance(arg, ast.JoinedStr) or not arg.values:
        return None
    first = arg.values[0]
    if isinstance(first, ast.Constant):
        return str(first.value)
    if isinstance(first, ast.FormattedValue) and isinstance(first.value, ast.Name):
        return constants.get(first.value.id, "{…}")
    return "{…}"  # starts with a value: the clause would come from the caller
