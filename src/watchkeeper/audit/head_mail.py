"""The signed audit head e-mailed to the DPO (issue 14 §6, R10; design/audit.md, "Exported head").

A copy in the DPO's mailbox is outside the database and outside the server: a database (or the whole
server) restored to an earlier backup is then shown up by `watchkeeper audit verify --head` against the
attachment. The head carries no personal data (a sequence number, a hash, a time and a signature), so it
may travel by e-mail, unlike footage or a case's details (notices carry only a reference and a link).
"""

from __future__ import annotations

import json
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage

from watchkeeper.audit.head_export import current_head, file_name
from watchkeeper.audit.services import record
from watchkeeper.core.clauses import enforces
from watchkeeper.people.models import Role, RoleGrant

SUBJECT = "Watchkeeper: the signed audit head"
BODY = (
    "Attached is the signed head of Watchkeeper's audit log as it stood at {at:%d/%m/%Y %H:%M} UTC "
    "(event {seq}).\n\nKeep these e-mails. If the database is ever restored from a backup, or you suspect "
    "it was rolled back, run `watchkeeper audit verify --head FILE` with the latest attachment: a log "
    "shorter than, or different from, this head is reported (R10). It holds no personal data.\n"
)


def dpo_addresses() -> list[str]:
    """The e-mail addresses of everyone who holds the DPO role now (a trust-wide role), active accounts
    only."""
    grants = RoleGrant.objects.current().filter(role=Role.DPO, school__isnull=True, user__is_active=True)
    return sorted({email for email in grants.values_list("user__email", flat=True) if email})


def mail_configured() -> bool:
    return bool(settings.WATCHKEEPER_SMTP_HOST)


@enforces("R10")
def email_head(now: datetime) -> int:
    """Send the signed head as it stands to the DPO(s); how many addresses it went to (0: no SMTP server
    is configured, or no DPO has an address). Audited once sent, so the event says where it went; the head
    sent is the one before that event (the next head includes it)."""
    addresses = dpo_addresses() if mail_configured() else []
    if not addresses:
        return 0
    data = current_head(now)
    seq = _seq_of(data)
    message = EmailMessage(SUBJECT, BODY.format(at=now, seq=seq), settings.DEFAULT_FROM_EMAIL, addresses)
    message.attach(file_name(now), data, "application/json")
    message.send()
    record(
        "audit.head_emailed",
        reason="signed audit head e-mailed to the DPO",
        details={"seq": seq, "recipients": len(addresses)},
    )
    return len(addresses)


def _seq_of(data: bytes) -> int:
    return int(json.loads(data)["seq"])
