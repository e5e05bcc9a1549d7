"""The per-school compliance score on the DPO dashboard (3.5): the compliance app's at-a-glance counts
(compliance.services.compliance_summary) weighed into one number out of 100, with its definition shown.

A pure function of one summary row: the checks, their weights and what each measures are data here, so
the page prints the same definition the number is computed from.
"""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.compliance.services import SchoolCompliance
from watchkeeper.core.clauses import enforces


@dataclass(frozen=True)
class Check:
    key: str
    words: str  # plain words first, clause after
    weight: int


CHECKS = (
    Check("cameras", "Cameras in service without an exception (5.1–5.4, 7.1, 13.1)", 40),
    Check("dpias", "DPIAs approved and reviewed within the year (7.1, 18.1)", 25),
    Check("signs", "Signs checked within the year (6.1, 18.1)", 20),
    Check("notice", "CCTV privacy notice in place and reviewed within the year (6.1; UK GDPR Art 13)", 15),
)


@dataclass(frozen=True)
class Score:
    total: int  # 0–100
    parts: tuple[tuple[Check, float], ...]  # each check with its share met, 0–1


def _share(good: int, bad: int) -> float:
    return 1.0 if good + bad == 0 else good / (good + bad)


def shares(row: SchoolCompliance) -> dict[str, float]:
    """What share of each check the school meets. A school with nothing to check meets it in full."""
    in_service = sum(row.cameras_by_status.values())
    return {
        "cameras": _share(in_service - row.exceptions, row.exceptions),
        "dpias": _share(row.dpias_approved, row.dpias_overdue),
        "signs": _share(row.signs_checked, row.signs_unchecked),
        "notice": 0.0 if row.notice_due else 1.0,
    }


@enforces("3.5")
def score(row: SchoolCompliance) -> Score:
    met = shares(row)
    parts = tuple((check, met[check.key]) for check in CHECKS)
    return Score(round(sum(check.weight * share for check, share in parts)), parts)
