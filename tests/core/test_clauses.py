"""Clause → code in one hop (issue 12 §6): the index in design/clauses.md, and what keeps it honest."""

import difflib

import pytest

from watchkeeper.core.clauses import (
    CATALOGUE,
    CATALOGUE_FILE,
    REGISTRY,
    Citation,
    UnknownClause,
    citation,
    enforces,
    law_requirement,
)
from watchkeeper.site import clauses_index as index

RUN = "run `watchkeeper clauses` (PYTHONPATH=src .venv/bin/watchkeeper clauses) and commit the result"


def _diff(old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "in the file", "generated", lineterm="", n=1
    )
    return "\n".join(list(lines)[:40])


def test_vendored_catalogue_matches_the_shared_folder():
    shared = index.shared_dir()
    if shared is None:
        pytest.skip("no ../shared beside this checkout: the vendored catalogue is used as it is")
    old, new = CATALOGUE_FILE.read_text(encoding="utf-8"), index.catalogue_text(shared)
    assert old == new, f"core/clauses_catalogue.json is older than {shared}: {RUN}\n{_diff(old, new)}"


def test_design_clauses_md_is_the_generators_output():
    old, new = index.INDEX_FILE.read_text(encoding="utf-8"), index.index_text()
    assert old == new, f"design/clauses.md is out of date: {RUN}\n{_diff(old, new)}"


def test_every_clause_cited_in_a_refusal_has_an_enforcing_function():
    enforced = index.enforcing_functions()
    cited = index.cited_in_messages()
    # Guards the scan itself: if refusals stop being "9.5: …" strings, teach cited_in_messages the new form.
    assert len(cited) > 200, f"only {len(cited)} cited messages found in src/"
    missing = set()
    for message in cited:
        where = f"{message.path}:{message.line} {message.message[:60]!r}"
        for clause in message.citation.clauses:
            if clause not in CATALOGUE:
                missing.add(f"{where}: {clause} is not a clause of the policy")
            elif clause not in enforced:
                missing.add(f"{where}: no function is tagged @enforces({clause!r})")
        for law in message.citation.laws:
            requirement = law_requirement(law)
            if requirement is None:
                missing.add(f"{where}: {law} has no requirement in core.clauses.LAW_REQUIREMENTS")
            elif requirement not in enforced:
                missing.add(f"{where}: {law} is {requirement}, and no function is tagged with it")
    assert not missing, "\n".join(sorted(missing))


def test_every_enforced_clause_has_a_proving_test():
    untested = sorted(
        set(index.enforcing_functions()) - set(index.proving_tests()), key=list(CATALOGUE).index
    )
    assert not untested, f"no test is marked @pytest.mark.clause(…) for: {', '.join(untested)}"


def test_enforces_rejects_what_is_not_in_the_catalogue():
    for wrong in ["9.55", "R99", "19", "Appendix II", "UK GDPR Art 12(5)"]:
        with pytest.raises(UnknownClause, match="not a clause of the CCTV policy"):
            enforces("9.5", wrong)
    with pytest.raises(UnknownClause, match="at least one"):
        enforces()


def test_enforces_registers_the_function_unchanged():
    def decide(count: int, *, reason: str = "") -> str:
        return f"{count} {reason}"

    before = len(REGISTRY)
    try:
        tagged = enforces("9.5", "R13", "Appendix I")(decide)
        assert tagged is decide
        assert tagged(2, reason="why") == "2 why"
        assert REGISTRY[before:] == [(decide, ("9.5", "R13", "Appendix I"))]
    finally:
        del REGISTRY[before:]


def test_a_test_marked_with_an_unknown_clause_fails_the_index(tmp_path):
    (tmp_path / "test_typo.py").write_text(
        "import pytest\n\n\n@pytest.mark.clause('9.55')\ndef test_something():\n    pass\n"
    )
    with pytest.raises(UnknownClause, match="test_typo.py:4: '9.55'"):
        index.proving_tests(tmp_path)


def test_marks_on_modules_classes_and_functions_are_all_read(tmp_path):
    (tmp_path / "test_marked.py").write_text(
        "import pytest\n"
        "pytestmark = [pytest.mark.django_db, pytest.mark.clause('13.1')]\n"
        "@pytest.mark.clause('R11')\n"
        "class TestRetention:\n"
        "    def test_erases(self):\n        pass\n"
        "@pytest.mark.clause('9.5', 'R13')\n"
        "def test_log():\n    pass\n"
    )
    found = {i: [link.name for link in links] for i, links in index.proving_tests(tmp_path).items()}
    erases, log = (
        f"{tmp_path}/test_marked.py::TestRetention::test_erases",
        f"{tmp_path}/test_marked.py::test_log",
    )
    assert found == {"13.1": [erases, log], "R11": [erases], "9.5": [log], "R13": [log]}


@pytest.mark.parametrize(
    "message, clauses, laws",
    [
        ("9.5: the log needs a reason", ("9.5",), ()),
        ("11.3, 10.2: reviewed first", ("11.3", "10.2"), ()),
        ("3.2/8.1: only a Headteacher", ("3.2", "8.1"), ()),
        ("10, 11: released when closed", ("10", "11"), ()),
        ("Appendix I: why it is downloaded", ("Appendix I",), ()),
        (
            "10.4.3 (DPA 2018 Sch 2 Part 3 para 16): reasonable",
            ("10.4.3",),
            ("DPA 2018 Sch 2 Part 3 para 16",),
        ),
        ("10.2 (UK GDPR Art 12(5)): manifestly unfounded", ("10.2",), ("UK GDPR Art 12(5)",)),
        ("UK GDPR Art 12(3): two more months", (), ("UK GDPR Art 12(3)",)),
    ],
)
def test_citations_are_read_from_the_start_of_a_message(message, clauses, laws):
    assert citation(message) == Citation(clauses, laws)


@pytest.mark.parametrize(
    "message",
    [
        "%Y-%m-%d %H:%M:%S",
        "segment 12: missing",
        "DPA 2018 Sch 2 Part 1 para 2 (crime: prevention",
        "no clause",
    ],
)
def test_other_strings_are_not_citations(message):
    assert citation(message) is None


def test_law_maps_to_its_requirement():
    assert law_requirement("UK GDPR Art 12(5)") == "R21"
    assert law_requirement("DPA 2018 Sch 2 Part 1 para 2") == "R24"
    assert law_requirement("Human Rights Act 1998") is None
