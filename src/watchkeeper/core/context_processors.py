from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from watchkeeper.core.permissions import holds_any

NAV = [
    ("Dashboard", "core:dashboard", "estate.view"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": [(label, name) for label, name, action in NAV if holds_any(user, action)]}
