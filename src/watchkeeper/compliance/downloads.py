"""A sealed file (compliance.files) handed to the browser: DPIA documents, sign photos, the trust's policy
documents and privacy notices, and the CCTV policy's versions (reviews)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from watchkeeper.compliance import files
from watchkeeper.compliance.models import SealedFile
from watchkeeper.storage.keys import Unreadable
from watchkeeper.storage.store import ObjectMissing


def attachment(stored: SealedFile | None) -> HttpResponse:
    """The file opened from the sealed store, as an attachment of the type its content showed at upload;
    404 when there is none or it cannot be opened."""
    if stored is None:
        raise Http404("No file.")
    try:
        data = files.open_file(stored)
    except (Unreadable, ObjectMissing):
        raise Http404("The file cannot be opened.") from None
    response = HttpResponse(data, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stored.name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
