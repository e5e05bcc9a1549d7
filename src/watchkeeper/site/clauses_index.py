"""`watchkeeper clauses`: the catalogue from ../shared and design/clauses.md from the code (issue 12 §6).

Three readings, all without running anything but imports:

* the catalogue: the policy's clauses and the reference's numbered requirements, parsed from the shared
  folder (when it is there) into core/clauses_catalogue.json, so a checkout without ../shared still has them;
* the enforcing functions: every module of the package is imported, which runs the `@enforces` decorators;
* the proving tests: `@pytest.mark.clause(...)` read from tests/ by AST, so no pytest run is needed.

The index is deterministic (sorted, no timestamps) so a test can compare it with the file.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

import watchkeeper
from watchkeeper.core.clauses import (
    CATALOGUE_FILE,
    REGISTRY,
    Citation,
    Entry,
    UnknownClause,
    check_ids,
    citation,
    parse_catalogue,
)

SRC = Path(watchkeeper.__file__).resolve().parent
ROOT = SRC.parent.parent  # the checkout: src/, tests/, design/
INDEX_FILE = ROOT / "design" / "clauses.md"
POLICY = Path("policy/cctv-policy.txt")
REQUIREMENTS = Path("reference/regulatory-requirements.md")
# Not part of the application: a script run under Debian's own Python (GStreamer bindings).
NOT_IMPORTED = ("watchkeeper.recording.rtsp_simulator", "watchkeeper.wsgi")
TITLE_LENGTH = 80


# --- The catalogue ------------------------------------------------------------------------------------------


def shared_dir() -> Path | None:
    """The shared folder: $WATCHKEEPER_SHARED_DIR, else ../shared beside the checkout or beside its parent
    (a worktree). None when there is none, as in a CI checkout."""
    given = settings.WATCHKEEPER_SHARED_DIR
    candidates = [Path(given)] if given else []
    candidates += [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    return next((c for c in candidates if (c / POLICY).is_file() and (c / REQUIREMENTS).is_file()), None)


def _title(text: str) -> str:
    text = text.replace("**", "")
    if len(text) <= TITLE_LENGTH:
        return text
    return text[: text.rfind(" ", 0, TITLE_LENGTH)].rstrip(",;:") + "…"


def parse_policy(text: str) -> list[Entry]:
    entries: list[Entry] = []
    lines = [line.strip() for line in text.splitlines()]
    for i, line in enumerate(lines):
        if section := re.fullmatch(r"(\d+)\. ([A-Z][^a-z]+)", line):
            entries.append(Entry(section[1], section[2], ""))
        elif clause := re.fullmatch(r"- (\d+(?:\.\d+)+) (.+)", line):
            entries.append(Entry(clause[1], _title(clause[2]), clause[2]))
        elif line == "APPENDIX I":
            title, columns = [rest for rest in lines[i + 1 :] if rest][:2]
            entries.append(Entry("Appendix I", title, "; ".join(c.strip() for c in columns.split("\t"))))
    return entries


def parse_requirements(text: str) -> list[Entry]:
    entries = []
    for line in text.splitlines():
        if numbered := re.fullmatch(r"(\d+)\. (.+)", line.strip()):
            words = numbered[2]
            entries.append(Entry(f"R{numbered[1]}", _title(words.split(" [")[0]), words))
    return entries


def catalogue_text(shared: Path) -> str:
    """core/clauses_catalogue.json as generated from the shared folder."""
    policy = parse_policy((shared / POLICY).read_text(encoding="utf-8"))
    requirements = parse_requirements((shared / REQUIREMENTS).read_text(encoding="utf-8"))
    data = {
        "generated_by": f"watchkeeper clauses, from ../shared/{POLICY} and ../shared/{REQUIREMENTS}",
        "policy": [vars(e) for e in policy],
        "requirements": [vars(e) for e in requirements],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def entries_of(text: str) -> list[Entry]:
    return list(parse_catalogue(text).values())


# --- Enforcing functions and proving tests ------------------------------------------------------------------


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


@dataclass(frozen=True, order=True)
class Link:
    name: str  # watchkeeper.evidence.services.download_problems, or tests/x.py::test_y
    path: str  # relative to the checkout
    line: int


def import_everything() -> None:
    """Import every module of the package, so that every `@enforces` has run."""
    for module in pkgutil.walk_packages(watchkeeper.__path__, "watchkeeper."):
        if ".migrations" not in module.name and module.name not in NOT_IMPORTED:
            importlib.import_module(module.name)


def enforcing_functions() -> dict[str, list[Link]]:
    import_everything()
    found: dict[str, set[Link]] = {}
    for function, ids in REGISTRY:
        path = Path(inspect.getsourcefile(function) or "").resolve()
        line = inspect.getsourcelines(function)[1]
        link = Link(f"{function.__module__}.{function.__qualname__}", _relative(path), line)
        for i in ids:
            found.setdefault(i, set()).add(link)
    return {i: sorted(links) for i, links in found.items()}


def _clause_marks(decorators: Iterable[ast.expr]) -> list[ast.Call]:
    """The `pytest.mark.clause(...)` calls among `decorators` (or a `pytestmark` value)."""
    return [
        d
        for d in decorators
        if isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and ast.unparse(d.func).endswith("mark.clause")
    ]


def _mark_ids(path: Path, mark: ast.Call) -> tuple[str, ...]:
    try:
        ids = tuple(ast.literal_eval(arg) for arg in mark.args)
        return check_ids(ids)
    except (ValueError, UnknownClause) as error:
        raise UnknownClause(f"{_relative(path)}:{mark.lineno}: {error}") from error


def proving_tests(tests: Path | None = None) -> dict[str, list[Link]]:
    found: dict[str, set[Link]] = {}
    for path in sorted((tests or ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        relative = _relative(path)
        module_marks: list[ast.Call] = []
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", "") == "pytestmark" for t in node.targets
            ):
                value = node.value
                module_marks += _clause_marks(
                    value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
                )
        for node, owner in _tests_in(tree):
            marks = (
                module_marks
                + _clause_marks(owner.decorator_list if owner else [])
                + _clause_marks(node.decorator_list)
            )
            name = f"{relative}::{owner.name}::{node.name}" if owner else f"{relative}::{node.name}"
            for mark in marks:
                for i in _mark_ids(path, mark):
                    found.setdefault(i, set()).add(Link(name, relative, node.lineno))
    return {i: sorted(links) for i, links in found.items()}


def _tests_in(
    tree: ast.Module,
) -> Iterable[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.ClassDef | None]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            yield node, None
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test"):
                    yield item, node


# --- design/clauses.md --------------------------------------------------------------------------------------

HEADER = """\
# Clauses and requirements → code

<!-- Generated by `watchkeeper clauses` from the code and the tests; do not edit by hand.
     tests/core/test_clauses.py fails when this file is out of date. -->

Every clause of the trust's CCTV policy and every numbered requirement of the regulatory reference
(`../shared/reference/regulatory-requirements.md`, written R1, R2, …), in the policy's order, with the
functions that enforce it and the tests that prove it. Clauses with neither say **not enforced in code**,
so the gaps show.

How it is kept ([architecture.md](architecture.md), "Clauses in the code"):

* A deciding function — a gate, a problem-list builder, a service function — is tagged
  `@enforces("9.5", "R13")` (`watchkeeper.core.clauses`). The tag does not change the function; an id
  that is not in the catalogue (`core/clauses_catalogue.json`, vendored from ../shared) fails at import.
* A test that proves it is marked `@pytest.mark.clause("9.5", "R13")` (on the test, its class, or the
  module's `pytestmark`).
* Every clause cited at the start of a refusal or finding (`"9.5: …"`) has at least one enforcing function;
  law cited in one (`"10.2 (UK GDPR Art 12(5)): …"`) is indexed under its requirement (R21, R23, R24, R25,
  R26) and that requirement has one.
* After changing either, run `watchkeeper clauses` (or `watchkeeper clauses --check` to only compare).
"""


def _links(title: str, links: list[Link]) -> list[str]:
    if not links:
        return []
    # No line anchors: an edit that moves a function must not make the index stale (names move less).
    return [f"{title}:", ""] + [f"* [`{link.name}`](../{link.path})" for link in links] + [""]


def render(entries: list[Entry], enforced: dict[str, list[Link]], proved: dict[str, list[Link]]) -> str:
    clauses = [e for e in entries if not e.is_requirement and e.text]
    requirements = [e for e in entries if e.is_requirement]

    def tally(group: list[Entry]) -> str:
        functions = sum(1 for e in group if enforced.get(e.id))
        tested = sum(1 for e in group if proved.get(e.id))
        return f"{functions} of {len(group)} have enforcing functions, {tested} have proving tests"

    gaps = [e.id for e in clauses + requirements if not enforced.get(e.id)]
    out = [HEADER, "## Summary", ""]
    out += [f"* Policy clauses: {tally(clauses)}.", f"* Requirements: {tally(requirements)}."]
    out += [f"* Not enforced in code: {', '.join(gaps) or 'none'}.", ""]
    out += ["## Policy clauses", ""]
    for entry in entries:
        if entry.is_requirement and entry is requirements[0]:
            out += ["## Requirements (regulatory reference)", ""]
        out += _section(entry, enforced.get(entry.id, []), proved.get(entry.id, []))
    return "\n".join(out).rstrip("\n") + "\n"


def _section(entry: Entry, functions: list[Link], tests: list[Link]) -> list[str]:
    if not entry.text:  # a policy section: its heading, and what cites the section as a whole
        return (
            [f"### {entry.id}. {entry.title}", ""]
            + _links("Enforced by", functions)
            + _links("Proved by", tests)
        )
    out = [f"#### {entry.id} {entry.title}", ""]
    if entry.text != entry.title:
        out += [f"> {entry.text}", ""]
    if not functions and not tests:
        return out + ["**Not enforced in code.**", ""]
    if not functions:
        out += ["**Not enforced in code** (tests only).", ""]
    if functions and not tests:
        out += ["**No proving test.**", ""]
    return out + _links("Enforced by", functions) + _links("Proved by", tests)


def index_text(entries: list[Entry] | None = None) -> str:
    if entries is None:
        entries = entries_of(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return render(entries, enforcing_functions(), proving_tests())


# --- Clauses cited in messages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    path: str
    line: int
    message: str
    citation: Citation


def cited_in_messages(src: Path = SRC) -> list[Cited]:
    """Every string in the package (not a docstring) that starts with a citation: refusals
    (PolicyRefusal, PermissionDenied, problem lists, `why_not_…` answers), findings and form help. An
    f-string counts by its leading text."""
    found = []
    for path in sorted(src.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, text in _message_strings(tree):
            if (cites := citation(text)) is not None:
                found.append(Cited(_relative(path), node.lineno, text, cites))
    return found


def _message_strings(tree: ast.Module) -> Iterable[tuple[ast.expr, str]]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    inside_fstrings = {
        id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            yield node, str(node.values[0].value)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings | inside_fstrings
        ):
            yield node, node.value
