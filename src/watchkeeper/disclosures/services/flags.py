"""What the dashboard flags (11.5, 11.7): FOI requests near or past their deadline, and the requests a
school referred to the DPO."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import restrict
from watchkeeper.disclosures import clock
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest, RequestStatus
from watchkeeper.disclosures.services.common import ADVISE, VIEW
from watchkeeper.disclosures.services.foi import foi_deadline


@dataclass(frozen=True)
class FOIFlag:
    foi: FOIRequest
    due: clock.FOIDeadline
    state: clock.ClockState


def foi_flags(user: Actor, today: date) -> list[FOIFlag]:
    """Open FOI requests near or past their deadline, like a SAR's (11.7), for the people who see them."""
    flags = []
    for foi in restrict(FOIRequest.objects.select_related("school"), user, VIEW).filter(decision=""):
        due = foi_deadline(foi)
        state = clock.foi_state(due.due, today, decided=False)
        if state.flag in ("due_soon", "overdue"):
            flags.append(FOIFlag(foi, due, state))
    return sorted(flags, key=lambda f: f.due.due)


def referred_to_dpo(user: Actor) -> list[DisclosureRequest]:
    """Requests a school referred to the DPO (11.5) and still undecided: the DPO's to advise on."""
    pending = DisclosureRequest.objects.select_related("school").filter(status=RequestStatus.PENDING)
    return list(restrict(pending, user, ADVISE).exclude(escalated_at=None))
