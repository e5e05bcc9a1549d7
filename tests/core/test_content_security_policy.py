"""The Content-Security-Policy (issue 14 §4, 9.1): every page says that scripts and styles come only from
Watchkeeper's own files, and no template holds inline script, inline event handlers or inline style, which
that policy would refuse (the browser tests fail on any violation the console reports)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "watchkeeper"
TEMPLATES = sorted(SRC.glob("*/templates/**/*.html"))

INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "an on… event handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
    "htmx's eval (hx-on, js:)": re.compile(r"hx-on|hx-vars|[\"']js:", re.I),
    "a <style> block": re.compile(r"<style[\s>]", re.I),
    "a style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
}


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.django_db
@pytest.mark.clause("9.1")
def test_every_page_carries_a_policy_without_inline_script_or_style(client) -> None:
    response = client.get("/login/")
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(SRC)))
def test_no_template_holds_what_the_policy_refuses(template: Path) -> None:
    text = template.read_text()
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{template.relative_to(SRC)} holds {', '.join(found)}"


def test_htmx_is_told_not_to_eval_or_inject_styles() -> None:
    base = (SRC / "core/templates/core/base.html").read_text()
    assert '"allowEval": false' in base and '"includeIndicatorStyles": false' in base
