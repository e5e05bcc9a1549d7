"""The generic permission test case (NetBox style), run for every view:

anonymous → sent to sign in; the permitted role at another school → refused; a wrong role at the right
school → refused; the permitted role at the right school → allowed. Refused means 403 or 404 (a 404 does
not even confirm the object exists). The permitted request runs last, so a POST that changes state does
so only after the refusals have been shown to change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import UserFactory, person
from watchkeeper.people.models import Role

REFUSED = (403, 404)


@dataclass
class ViewCase:
    """`url` and `data` come from a context dict holding `school`, `other_school` and what `setup` made."""

    id: str
    url: Callable[[dict[str, Any]], str]
    permitted: str
    wrong_role: str | None  # None where every role may (estate.view): a signed-in person with no role
    method: str = "get"
    data: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda ctx: {})
    ok: tuple[int, ...] = (200,)
    trust_wide: bool = False  # the permitted role is held trust-wide (DPO, board, IG group)
    setup: Callable[[dict[str, Any]], None] = field(default=lambda ctx: None)
    check: Callable[[dict[str, Any], Any], None] = field(default=lambda ctx, response: None)


def _request(client: Client, case: ViewCase, ctx: dict[str, Any]) -> Any:
    url = case.url(ctx)
    if case.method == "get":
        return client.get(url, case.data(ctx))
    return client.post(url, case.data(ctx))


def run_view_case(case: ViewCase, ctx: dict[str, Any]) -> None:
    case.setup(ctx)
    school, other = ctx["school"], ctx["other_school"]

    response = _request(Client(), case, ctx)
    assert response.status_code == 302 and "/login/" in response["Location"], (
        f"{case.id}: anonymous got {response.status_code}"
    )

    if not case.trust_wide:
        outsider = person(case.permitted, other)
        response = _request(sign_in(Client(), outsider), case, ctx)
        assert response.status_code in REFUSED, (
            f"{case.id}: other school's {case.permitted} got {response.status_code}"
        )

    wrong = person(case.wrong_role, school) if case.wrong_role else UserFactory(profile=school)
    response = _request(sign_in(Client(), wrong), case, ctx)
    assert response.status_code in REFUSED, f"{case.id}: {case.wrong_role} got {response.status_code}"

    allowed = person(case.permitted, None if case.trust_wide else school)
    ctx["user"] = allowed
    response = _request(sign_in(Client(), allowed), case, ctx)
    assert response.status_code in case.ok, (
        f"{case.id}: permitted {case.permitted} got {response.status_code}"
    )
    case.check(ctx, response)


# What the cases' tables build their URLs and checks from.
Check = Callable[[dict[str, Any], Any], None]


def for_school(name: str) -> Callable[[dict[str, Any]], str]:
    """The page `name` for the context's school (?school=)."""
    return lambda ctx: f"{reverse(name)}?school={ctx['school'].pk}"


def on(key: str, name: str) -> Callable[[dict[str, Any]], str]:
    """The page `name` of what `setup` made and put in the context as `key`."""
    return lambda ctx: reverse(name, args=[ctx[key].pk])


def shows(*texts: str, hidden: tuple[str, ...] = ()) -> Check:
    """The permitted person's page says each of `texts` and none of `hidden`."""

    def check(ctx: dict[str, Any], response: Any) -> None:
        page = response.content.decode()
        for text in texts:
            assert text in page, text
        for text in hidden:
            assert text not in page, text

    return check


def dpo_posts(id: str, url: Callable[[dict[str, Any]], str], wrong_role: str, **more: Any) -> ViewCase:
    """The DPO (trust-wide) posts a form, and once it is done is sent on (302)."""
    return ViewCase(id, url, Role.DPO, wrong_role, trust_wide=True, method="post", ok=(302,), **more)
