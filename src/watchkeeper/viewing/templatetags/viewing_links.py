"""`{% footage_request auth %}`: "Footage request #N", a link to the request for those who may open it
(viewing/access.py) and plain words for the rest, so that a page never offers a link that answers "Not
found" (issue 15: no dead ends)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from watchkeeper.viewing.access import readable
from watchkeeper.viewing.models import ViewingAuthorisation

register = template.Library()


@register.simple_tag(takes_context=True)
def footage_request(context: dict[str, Any], auth: ViewingAuthorisation) -> str:
    words = f"Footage request #{auth.pk}"
    user = context["request"].user
    if not readable(user).filter(pk=auth.pk).exists():
        return words
    return format_html('<a href="{}">{}</a>', reverse("viewing:authorisation_detail", args=[auth.pk]), words)
