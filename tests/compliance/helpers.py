"""Shared builders for the compliance page tests."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from watchkeeper.audit.models import AuditEvent

PDF = b"%PDF-1.4\n% a DPIA for the main gate\n" + bytes(range(256))
PHOTO = b"\xff\xd8\xff\xe0 a photo of the sign \xff\xd9"


def pdf(name: str = "dpia.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def photo(name: str = "sign.jpg", content: bytes = PHOTO) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def streamed(response: Any) -> bytes:
    """The body, whether streamed (a plain file) or whole (a sealed file, opened in memory)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def url(name: str, key: str | None = None) -> Any:
    """A URL builder for ViewCase: the named page, for ctx[key] when given."""
    return lambda ctx: reverse(f"compliance:{name}", args=[ctx[key].pk] if key else [])


def audited(action: str, obj: Any, actor: Any = None) -> bool:
    events = AuditEvent.objects.filter(action=action, object_id=str(obj.pk))
    if actor is not None:
        events = events.filter(actor=actor)
    return events.count() == 1
