from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from watchkeeper.core.errors import DATABASE_UNAVAILABLE


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. While the database is away (a restart, an outage) the person is told to try again
    shortly — status 503 with Retry-After — and pages work again as soon as it is back: each request
    connects afresh (issue 11 §7). The page is rendered without the request, so it needs no database."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        page = render_to_string("core/database_unavailable.html")
        return HttpResponse(page, status=503, headers={"Retry-After": "30"})
    return defaults.server_error(request)
