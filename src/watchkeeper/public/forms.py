"""The public request form: only what finds the footage (when, where, what you wore), never sensitive
details or identity documents — the school checks identity afterwards (design/public.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from watchkeeper.subjectaccess.models import Relationship, RequestKind


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you asking for?", choices=RequestKind.choices, widget=forms.RadioSelect
    )
    relationship = forms.ChoiceField(
        label="Who are you to the person in the footage?",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(
        label="Your e-mail address", max_length=200, help_text="We send a link to confirm it, then the reply."
    )
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="From (about)", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Until (about)", widget=forms.TimeInput(attrs={"type": "time"}))
    where = forms.CharField(
        label="Where", max_length=200, help_text="For example: the main gate, the car park."
    )
    clothing = forms.CharField(
        label="What the person in the footage was wearing",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only what helps find them: no health or other sensitive details, please.",
    )
    # The honeypot: hidden from people (its wrapper has the `hidden` attribute); scripts fill every field.
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "The end of the time must be after its start.")
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def window(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        zone = timezone.get_current_timezone()
        start = datetime.combine(day, self.cleaned_data["start"], tzinfo=zone)
        return start, datetime.combine(day, self.cleaned_data["end"], tzinfo=zone)

    def description(self) -> str:
        return f"Where: {self.cleaned_data['where']}\nWearing: {self.cleaned_data['clothing']}"


class ComplaintForm(forms.Form):
    """A data-protection complaint about the school's CCTV (DPA 2018 s164A; 17.1)."""

    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Your e-mail address", max_length=200)
    summary = forms.CharField(
        label="What is your complaint about how the school uses CCTV?",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Please leave out health or other sensitive details; the school will contact you.",
    )
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
