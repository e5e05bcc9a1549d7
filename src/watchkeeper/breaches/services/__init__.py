"""The breach register's services (design/breaches.md): reporting and drafts, the DPO's decisions, the
register and its exports."""

from watchkeeper.breaches.services.common import DECIDE, REGISTER, REPORT, VIEW, deciders, state, stopped_at
from watchkeeper.breaches.services.decisions import (
    assess_risk,
    decide_ico,
    decide_individuals,
    ico_decision_problems,
    ico_phase_problems,
    individuals_problems,
    missing_from_ico,
    notify_ico,
    record_other,
)
from watchkeeper.breaches.services.register import (
    awaiting_dpo,
    export_register,
    open_breaches,
    printed_report,
)
from watchkeeper.breaches.services.reporting import (
    DRAFT_WORDS,
    Evidence,
    change_aware_at,
    open_draft,
    package_evidence,
    report_breach,
    report_problems,
    reported_by_name,
)

__all__ = [
    "DECIDE",
    "DRAFT_WORDS",
    "REGISTER",
    "REPORT",
    "VIEW",
    "Evidence",
    "assess_risk",
    "awaiting_dpo",
    "change_aware_at",
    "deciders",
    "decide_ico",
    "decide_individuals",
    "export_register",
    "ico_decision_problems",
    "ico_phase_problems",
    "individuals_problems",
    "missing_from_ico",
    "notify_ico",
    "open_breaches",
    "open_draft",
    "package_evidence",
    "printed_report",
    "record_other",
    "report_breach",
    "report_problems",
    "reported_by_name",
    "state",
    "stopped_at",
]
