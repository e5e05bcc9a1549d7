"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet


class Form(forms.Form):
    """Labels without a trailing colon: "Name", not "Name:" (what people, and browser tests, look for)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def offer_schools(form: forms.Form, schools: QuerySet[Any], field: str = "school") -> None:
    """Limit a school choice to `schools` (those where the person holds the action); with only one, it is
    chosen already."""
    form.fields[field].queryset = schools  # type: ignore[attr-defined]
    if len(schools) == 1:
        # The one school, and no empty "---------" to choose instead (issue 15 §5).
        form.initial[field] = schools[0]
        if form.fields[field].required:
            form.fields[field].empty_label = None  # type: ignore[attr-defined]


def authenticator_code(
    *,
    label: str = "Authenticator code",
    invalid: str = "Enter the 6-digit code from your authenticator app.",
    help_text: str = "",
) -> forms.RegexField:
    """The field for a code from an authenticator app (9.2): six to eight digits, spaces around allowed,
    marked so that phones offer the code and password managers fill it."""
    return forms.RegexField(
        label=label,
        # Or the token a passkey check on the page put there (people/passkeys.py, issue 14 §3).
        regex=r"^\s*(\d{6,8}|passkey:[A-Za-z0-9_-]{20,64})\s*$",
        error_messages={"invalid": invalid},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "8"}
        ),
        help_text=help_text,
    )
