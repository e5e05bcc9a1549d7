"""Every page has a permission case (issue 14 §6): walk the URL resolver and fail on any URL name that no
`tests/permission_case.ViewCase` reaches, unless it is on the commented allow-list of public pages below.

A case names its page through its `url` callable (`lambda ctx: reverse("audit:event_list")`, a helper
such as `school_url("estate:camera_list")`, or a module constant `URL = reverse(...)`). The test finds
every `ViewCase(...)` (or shorthand, CASE_MAKERS) in the test files, module level or inside a test
function, and collects the URL names its `url` argument mentions: string constants in it, and the
strings held by the module-level names, functions and closures it refers to. A path string
("/people/...") is resolved to its name.
"""

from __future__ import annotations

import ast
import importlib
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent

# Pages a ViewCase cannot describe, each with its reason; anything else without a case fails the test.
# A ViewCase needs a wrong role that is refused. These have none:
PUBLIC = {
    # Issue 18 §3: the public request form takes no account (anyone may submit; tests/public/test_views.py:
    # nobody anonymous may read a case, rate limit, honeypot, size limit), and the confirmation link's signed,
    # expiring token is the permission to confirm one's own address (forged or altered tokens: 404).
    "public:index": "the list of schools whose public forms are here (names already public on their signs)",
    "public:request": "anyone may send a subject access (or erasure, restriction, objection) request",
    "public:confirm": "confirming one's own e-mail address from the signed link",
    "public:complaint": "anyone may send a data-protection complaint (s164A; test_complaints.py)",
    # Public by design: signing in cannot require being signed in (lock-outs: tests/people/test_login.py),
    # and signing out must work for anyone.
    "people:login": "the sign-in page",
    "people:logout": "signing out",
    # An invitation is opened by someone who has no password yet: the single-use, expiring token in the
    # link is the permission (tests/people/test_invitations.py: used, expired, voided and unknown tokens).
    "people:invitation": "accepting one's own invitation",
    "people:invitation_sso_link": "linking one's school account with one's own invitation (test_sso.py)",
    # Passkeys (issue 14 §3): signing in with one is part of signing in (the step opens only after a password,
    # right or wrong; tests/people/test_passkeys.py), and the browser's translations are public scripts.
    "people:passkey_sign_in": "the passkey step of signing in",
    "people:passkey_sign_in_begin": "the passkey step of signing in",
    "people:passkey_sign_in_complete": "the passkey step of signing in",
    "people:passkey_jsi18n": "the passkey script's translations",
    # One's own passkeys: added, removed and used for one's own decisions only; signed-out requests are
    # refused and someone else's passkey cannot be removed (tests/people/test_passkeys.py).
    "people:passkeys": "one's own passkeys",
    "people:passkey_register_begin": "adding one's own passkey",
    "people:passkey_register_complete": "adding one's own passkey",
    "people:passkey_remove": "removing one's own passkey",
    "people:passkey_decision_begin": "confirming one's own decision with a passkey",
    "people:passkey_decision_complete": "confirming one's own decision with a passkey",
    # Every signed-in person, with or without a role, has a dashboard and an account of their own; the
    # pages take no id and act on the signed-in person only. Sign-in required is tested in
    # tests/people/test_account_views.py (test_account_pages_need_sign_in_and_serve_anyone_signed_in) and
    # what the dashboard shows each role in tests/core/test_dashboard.py.
    "site:dashboard": "every signed-in person's own dashboard",
    # The site's icon, asked for by browsers before anyone signs in; it shows nothing of anyone's
    # (tests/core/test_navigation.py).
    "site:favicon": "the site's icon",
    "people:account": "one's own account",
    # Issue 15 §3: one's own inbox (each source restricts itself: tests/notices/test_inbox_sources.py) and
    # one's own choice of e-mail notices (tests/notices/test_notices.py).
    "site:inbox": "every signed-in person's own inbox",
    "notices:choices": "one's own choice of e-mail notices",
    "people:password_change": "one's own password",
    "people:authenticator": "one's own authenticator",
    # Single sign-on (tests/people/test_sso.py): starting it, the provider's callback and the code step
    # after it come before signing in; linking and unlinking act on the signed-in person's own account.
    "people:sso_start": "single sign-on, before signing in",
    "people:sso_callback": "the identity provider's return, before signing in",
    "people:sso_second_factor": "the second factor after single sign-on, before signing in",
    "people:sso_link": "linking one's own school account",
    "people:sso_unlink": "removing one's own link",
    # 3.3: every member of staff reads and acknowledges the CCTV policy in force for their own trust: the
    # page acts on the signed-in person only, the document is one of their own trust's approved versions
    # (tests/reviews/test_views.py: signed-out people sign in first, a version awaiting approval is 404).
    "reviews:acknowledge": "one's own acknowledgement of the CCTV policy",
    "reviews:policy_document": "reading one's own trust's CCTV policy",
}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


class Probe:
    """Stands in for every object a case's context holds: any attribute, item or call gives another
    probe, and it prints as "1", so `reverse("app:name", args=[ctx["camera"].pk])` builds a real path."""

    def __getattr__(self, name: str) -> Probe:
        return self

    def __getitem__(self, key: Any) -> Probe:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Probe:
        return self

    def __str__(self) -> str:
        return "1"

    def __format__(self, spec: str) -> str:
        return "1"


class ProbeContext(dict[str, Any]):
    def __missing__(self, key: str) -> Probe:
        return Probe()


def _strings(value: Any, module: types.ModuleType, seen: set[int]) -> Iterator[str]:
    """Strings a value holds: itself, a function's constants, closure cells and the module globals it
    names (one module deep), for a `url` the probe cannot build."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
    elif isinstance(value, types.CodeType):
        for const in value.co_consts:
            yield from _strings(const, module, seen)
        for name in value.co_names:
            if name in vars(module):
                yield from _strings(vars(module)[name], module, seen)
    elif isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
        yield from _strings(value.__code__, module, seen)
        for cell in value.__closure__ or ():
            yield from _strings(cell.cell_contents, module, seen)


def _reached(url: Any, module: types.ModuleType) -> Iterator[str]:
    """What the case's `url` callable gives for a probe context; failing that, the strings it holds."""
    try:
        yield str(url(ProbeContext()))
    except Exception:  # a url the probe cannot build (a query on a real object, a uuid): read its strings
        held = set(_strings(url, module, set()))
        yield from held
        # Helpers build the name from two strings (f"viewing:{name}" with name from the closure).
        yield from (first + second for first in held if first.endswith(":") for second in held)


def _url_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "url":
            return keyword.value
    return call.args[1] if len(call.args) > 1 else None


# What makes a permission case: ViewCase itself and the shorthands of tests/permission_case.py, each
# taking the case's id and then its url, as ViewCase does.
CASE_MAKERS = {"ViewCase", "dpo_posts"}


def _case_calls(path: Path) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in CASE_MAKERS:
            yield node


def covered_names(known: set[str]) -> dict[str, set[str]]:
    """URL name → the test files whose permission cases reach it."""
    covered: dict[str, set[str]] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        calls = list(_case_calls(path))
        if not calls:
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for call in calls:
            argument = _url_argument(call)
            if argument is None:
                continue
            code = compile(ast.Expression(argument), str(path), "eval")
            try:
                url = eval(code, vars(module))  # the url argument, as the case module builds it
            except NameError:  # it uses a test function's local variable: read the expression's strings
                texts = _strings(code, module, set())
            else:
                texts = _reached(url, module)
            for text in texts:
                name = _as_url_name(text, known)
                if name:
                    covered.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return covered


def _as_url_name(text: str, known: set[str]) -> str | None:
    if text in known:
        return text
    if text.startswith("/"):
        try:
            return resolve(text.split("?")[0]).view_name
        except Resolver404:
            return None
    return None


def test_every_url_has_a_permission_case_or_is_public() -> None:
    known = set(url_names())
    covered = covered_names(known)
    missing = sorted(known - covered.keys() - PUBLIC.keys())
    assert not missing, f"URL names with no permission case (tests/permission_case.py): {missing}"


def test_the_allow_list_names_real_pages_that_have_no_case() -> None:
    known = set(url_names())
    assert PUBLIC.keys() <= known, "an allow-listed page no longer exists"
    assert not PUBLIC.keys() & covered_names(known).keys(), "an allow-listed page has a case now"


def test_the_walk_finds_the_cases_it_should() -> None:
    """The finder itself: helpers, lambdas and constants are all seen (else the main test proves little)."""
    covered = covered_names(set(url_names()))
    assert "tests/audit/test_views.py" in covered["audit:event_list"]  # through school_url("...")
    assert "tests/audit/test_head_export.py" in covered["audit:head_download"]  # a lambda's constant
    assert len(covered) > 100
