"""The preferences form: one box per kind of notice (notices/kinds.py)."""

from __future__ import annotations

from django import forms

from watchkeeper.notices import kinds


class ChoicesForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        choices=list(kinds.KINDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="E-mail me when",
        help_text="Statutory deadlines (a subject access request's one month, for example) are always sent.",
    )
