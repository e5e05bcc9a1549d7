"""The school's signing key (so recipients can check manifest.sig): public, to anyone with a role there."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from watchkeeper.core.permissions import restrict
from watchkeeper.core.shortcuts import chosen_school, require_anywhere
from watchkeeper.estate.models import School
from watchkeeper.evidence import package

KEY = "estate.view"  # the signing key is public: anyone with a role at the school may see it


@login_required
@require_GET
def signing_key(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, KEY)
    schools = restrict(School.objects.all(), request.user, KEY)
    school = chosen_school(request, request.GET, KEY)
    keys = [(s, *_public_key(s)) for s in ([school] if school else schools)]
    return render(request, "evidence/signing_key.html", {"keys": keys, "school": school})


def _public_key(school: School) -> tuple[str, str]:
    pem = package.public_pem(package.signing_key(school.pk).public_key())
    return pem.decode(), hashlib.sha256(pem).hexdigest()
