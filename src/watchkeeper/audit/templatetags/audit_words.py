"""{% load audit_words %}: `{{ event|in_words }}` reads "Footage request approved by Helen Head";
`{{ event.action|event_words }}` reads "Footage request approved" (audit/words.py)."""

from __future__ import annotations

from typing import Any

from django import template

from watchkeeper.audit import words

register = template.Library()


@register.filter
def in_words(event: Any) -> str:
    return words.sentence(event)


@register.filter
def event_words(action: str) -> str:
    return words.event_words(action)


@register.filter
def actor_in_words(event: Any) -> str:
    return words.actor_words(event)
