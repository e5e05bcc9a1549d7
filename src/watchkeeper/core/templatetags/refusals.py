"""Refusals as people read them: the plain words first, the clause after, small (design/architecture.md)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from watchkeeper.core.errors import Refusal

register = template.Library()


@register.filter
def refusal(problem: Refusal | str) -> str:
    """`{{ problem|refusal }}`: "Nobody may authorise their own request. Another … (policy 9.2)"."""
    item = problem if isinstance(problem, Refusal) else Refusal.parse(str(problem))
    if not item.clause:
        return format_html('<span class="reason">{}</span>', item.plain)
    label = clause_label(item.clause)
    return format_html('<span class="reason">{}</span> <small class="clause">({})</small>', item.plain, label)


def clause_label(clause: str) -> str:
    """A policy clause reads "policy 9.2"; a citation of the law reads as itself ("UK GDPR Art 12(5)")."""
    return f"policy {clause}" if clause[:1].isdigit() or clause.startswith("Appendix") else clause
