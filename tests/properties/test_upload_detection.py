"""Uploaded documents (disclosures/services/documents.py document_type_problem, 11.5): a file is accepted
only when its name and its first bytes agree on PDF, JPEG or PNG and its size is within the limit; whatever
name, size and content are sent, the answer is "accepted" or a plain refusal, never an exception; and a
real file of an allowed kind, under any name of its kind, is never refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.disclosures.services.documents import ALLOWED_SUFFIXES, ALLOWED_TYPES, document_type_problem

MAGICS = [magic for magics in ALLOWED_TYPES.values() for magic in magics]
suffixes = st.sampled_from(
    [*ALLOWED_SUFFIXES, ".PDF", ".Jpeg", ".docx", ".exe", ".pdf.exe", "", ".", ".png "]
)
names = st.one_of(
    st.builds(lambda stem, suffix: stem + suffix, st.text(max_size=20), suffixes), st.text(max_size=30)
)
heads = st.one_of(
    st.binary(max_size=64),
    st.builds(lambda magic, rest: magic + rest, st.sampled_from(MAGICS), st.binary(max_size=32)),
    st.sampled_from(MAGICS).map(lambda magic: magic[:-1]),  # one byte short of the real thing
)
sizes = st.one_of(st.integers(min_value=0, max_value=10**10), st.just(settings.MAX_UPLOAD_BYTES + 1))


@given(names, sizes, heads)
@pytest.mark.clause("11.5")
def test_a_file_is_accepted_only_when_its_name_and_content_agree_within_the_limit(name, size, head) -> None:
    problem = document_type_problem(name, size, head)
    if problem is None:
        content_type = ALLOWED_SUFFIXES[Path(name).suffix.lower()]
        assert head.startswith(ALLOWED_TYPES[content_type])
        assert 0 < size <= settings.MAX_UPLOAD_BYTES
    else:
        assert problem.startswith("11.5: ")


@given(
    st.sampled_from(sorted(ALLOWED_SUFFIXES)),
    st.text(min_size=1, max_size=20).filter(lambda stem: "/" not in stem and not stem.startswith(".")),
    st.booleans(),
    st.binary(max_size=64),
    st.integers(min_value=1, max_value=settings.MAX_UPLOAD_BYTES),
)
def test_a_real_file_of_an_allowed_kind_is_never_refused(suffix, stem, shout, rest, size) -> None:
    content_type = ALLOWED_SUFFIXES[suffix]
    head = ALLOWED_TYPES[content_type][0] + rest
    assert document_type_problem(stem + (suffix.upper() if shout else suffix), size, head) is None


@given(st.sampled_from(sorted(ALLOWED_SUFFIXES)), st.sampled_from(MAGICS), st.binary(max_size=32))
def test_content_of_another_kind_is_refused_whatever_the_name_says(suffix, magic, rest) -> None:
    claimed = ALLOWED_SUFFIXES[suffix]
    if any(magic.startswith(own) for own in ALLOWED_TYPES[claimed]):
        return  # the content is what the name says
    assert "its content is not one" in (document_type_problem(f"letter{suffix}", 1000, magic + rest) or "")
