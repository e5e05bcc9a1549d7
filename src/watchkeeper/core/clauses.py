"""Clause → code in one hop (issue 12 §6): a deciding function names what it enforces.

    from watchkeeper.core.clauses import enforces

    @enforces("9.5", "R13")
    def download_problems(...): ...

Ids are the CCTV policy's clause numbers ("9.5", "10.4.1", "11" for a whole section, "Appendix I") and the
numbered requirements of the regulatory reference, written "R13". Both come from the vendored catalogue
(`clauses_catalogue.json`, generated from ../shared by `watchkeeper clauses`), so a typo such as "9.55"
fails when the module is imported, not when a reader follows a broken link. The tests that prove a clause
carry `@pytest.mark.clause("9.5", "R13")`; `watchkeeper clauses` writes design/clauses.md from both.

Law cited in a refusal ("UK GDPR Art 12(5)") is not an id: it is indexed under the requirement that
carries it (LAW_REQUIREMENTS), and the function deciding it is tagged with that requirement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

CATALOGUE_FILE = Path(__file__).with_name("clauses_catalogue.json")

F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class Entry:
    """A policy clause or a numbered requirement. A policy section ("9") has its heading as title and no
    text; a clause has a short title (the start of its text) and its full text."""

    id: str
    title: str
    text: str

    @property
    def is_requirement(self) -> bool:
        return self.id.startswith("R")


class UnknownClause(ValueError):
    """An id that is neither a clause of the policy nor a numbered requirement of the reference."""


def parse_catalogue(text: str) -> dict[str, Entry]:
    """Every id of a catalogue file in its order: the policy's clauses, then the requirements."""
    data = json.loads(text)
    return {row["id"]: Entry(**row) for row in [*data["policy"], *data["requirements"]]}


CATALOGUE = parse_catalogue(CATALOGUE_FILE.read_text(encoding="utf-8"))

# (function, the ids it enforces), in the order the decorators ran; read by `watchkeeper clauses`.
REGISTRY: list[tuple[Callable[..., object], tuple[str, ...]]] = []


def check_ids(ids: tuple[str, ...]) -> tuple[str, ...]:
    if not ids:
        raise UnknownClause("name at least one policy clause (9.5) or requirement (R13)")
    unknown = [i for i in ids if i not in CATALOGUE]
    if unknown:
        raise UnknownClause(
            f"{', '.join(map(repr, unknown))}: not a clause of the CCTV policy nor a numbered requirement "
            "(R1, R2, …) of the regulatory reference — see design/clauses.md"
        )
    return ids


def enforces(*ids: str) -> Callable[[F], F]:
    """Register the decorated function as enforcing `ids`. The function itself is returned unchanged."""
    checked = check_ids(ids)

    def register(function: F) -> F:
        REGISTRY.append((function, checked))
        return function

    return register


# --- Citations in messages ----------------------------------------------------------------------------------
# A refusal or finding starts with what it cites: "9.5: …", "11.3, 10.2: …", "3.2/8.1: …",
# "10.4.3 (DPA 2018 Sch 2 Part 3 para 16): …", "10.2 (UK GDPR Art 12(5)): …".

# Law cited in messages → the requirement that carries it (regulatory-requirements.md).
LAW_REQUIREMENTS = {
    "UK GDPR Art 12": "R21",  # the subject access clock, its extension (12(3)) and refusals (12(5))
    "UK GDPR Art 13": "R5",  # the privacy notice kept beside the signs
    "UK GDPR Art 33": "R26",
    "UK GDPR Art 34": "R26",
    "DPA 2018 Sch 2 Part 3 para 16": "R23",  # other people in the footage
    "DPA 2018 Sch 2 Part 1 para 2": "R24",  # police: crime and taxation
    "DPA 2018 Sch 2 Part 1 para 5": "R24",  # solicitors and courts: legal proceedings
    "FOIA": "R25",
}

_POLICY_ID = r"(?:\d+(?:\.\d+)*|Appendix I)"
_LAW = r"(?:UK GDPR Art \d+|DPA 2018 Sch \d+ Part \d+ para \d+|FOIA(?: s\d+)?)(?:\(\d+\))*(?:\([a-z]\))*"
_NOTE = r"\((?:[^()]|\([^()]*\))*\)"
_ONE = rf"(?:{_POLICY_ID}|{_LAW})(?: {_NOTE})?"
_CITATION = re.compile(rf"{_ONE}(?:(?:, |/| and ){_ONE})*")


@dataclass(frozen=True)
class Citation:
    clauses: tuple[str, ...]  # policy ids, as written
    laws: tuple[str, ...]  # law citations, as written


def citation(message: str) -> Citation | None:
    """What `message` cites before its first ": ", or None when it does not start with a citation."""
    head, colon, _ = message.partition(": ")
    if not colon or not _CITATION.fullmatch(head):
        return None
    outside_notes = re.sub(_NOTE, "", head)
    return Citation(
        clauses=tuple(re.findall(rf"(?<![\w.]){_POLICY_ID}(?![\w.])", re.sub(_LAW, "", outside_notes))),
        laws=tuple(re.findall(_LAW, head)),
    )


def law_requirement(law: str) -> str | None:
    return next((req for prefix, req in LAW_REQUIREMENTS.items() if law.startswith(prefix)), None)
