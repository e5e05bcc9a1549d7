"""The record-of-processing entry for the CCTV system (UK GDPR Art 30(1)): generated from what Watchkeeper
knows — the trust, its schools, the cameras' purposes, the retention periods — for the DPO to paste into the
trust's register. A pure function of its inputs; the page only loads them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from watchkeeper.estate.models import Purpose
from watchkeeper.reports.retention import LABELS, MISUSE_LABEL, PUBLIC_FORMS


def processing_entry(
    trust: str,
    schools: Iterable[str],
    purposes: Iterable[str],
    longest_retention_days: int,
    register_years: Mapping[str, float],
    misuse_days: int = 90,
) -> list[tuple[str, str]]:
    """(heading, text) pairs in the order of Art 30(1)(a)–(g). `misuse_days`: how long the misuse app keeps
    an alert found to be no concern (its own setting)."""
    named = sorted({Purpose(p).label for p in purposes if p in Purpose.values}) or ["none recorded yet"]
    registers = "; ".join(
        [f"{LABELS[k]}: {_plural(v, 'year')} after closing" for k, v in register_years.items()]
        + [f"{MISUSE_LABEL}: {_plural(misuse_days, 'day')} after the outcome"]
    )
    return [
        (
            "Controller (Art 30(1)(a))",
            f"{trust}, for its schools: {', '.join(schools) or 'none yet'}. "
            "Contact: the trust's Data Protection Officer.",
        ),
        (
            "Purposes (Art 30(1)(b))",
            "CCTV at the schools' premises and minibuses for: "
            + "; ".join(named)
            + " (CCTV policy 4.1). Lawful basis: public task (UK GDPR Art 6(1)(e)); special category and "
            "criminal offence data under DPA 2018 Sch 1 as recorded in the DPO's settings.",
        ),
        (
            "Categories of data subjects and personal data (Art 30(1)(c))",
            "Pupils, staff, parents, visitors "
            "and members of the public in view of a camera: their images (video, no sound) with date, "
            "time and place; the registers about them (requests, complaints, breaches, disclosures).",
        ),
        (
            "Recipients (Art 30(1)(d))",
            "Police and other law-enforcement bodies, solicitors and courts, "
            "insurers, data subjects themselves — each disclosure recorded in the disclosure register "
            "(11.1–11.6).",
        ),
        ("Transfers outside the UK (Art 30(1)(e))", "None: footage is stored on the trust's own server."),
        (
            "Retention (Art 30(1)(f))",
            f"Recordings: at most {_plural(longest_retention_days, 'day')}, then erased "
            f"automatically (13.1); downloaded copies six months unless the police ask for longer (13.2); "
            f"the registers: {registers}; {PUBLIC_FORMS}.",
        ),
        (
            "Security measures (Art 30(1)(g), Art 32)",
            "Footage encrypted at rest with per-school keys; "
            "exports encrypted with a SHA-256 manifest; sign-in with a second factor; role-based access with "
            "the Headteacher's authorisation for every viewing (9.2); a tamper-evident audit log of every "
            "view, "
            "download and change (9.5); yearly review of the policy and DPIAs (18.1).",
        ),
    ]


def _plural(n: float, unit: str) -> str:
    return f"{n:g} {unit}" if n == 1 else f"{n:g} {unit}s"
