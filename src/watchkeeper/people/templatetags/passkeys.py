"""`{% passkey_for_decision %}` in a decide form (core/_decision.html): "Use your passkey" for a person who
has one, which fills the form's code field with a single-use passkey code (issue 14 §3)."""

from __future__ import annotations

from typing import Any

from django import template

from watchkeeper.people import passkeys
from watchkeeper.people.passkey_views import config

register = template.Library()


@register.inclusion_tag("people/_passkey_decision.html", takes_context=True)
def passkey_for_decision(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not passkeys.has_passkey(request.user):
        return {"show": False}
    return {
        "show": True,
        "passkey_config": config(
            request, "people:passkey_decision_begin", "people:passkey_decision_complete"
        ),
    }
