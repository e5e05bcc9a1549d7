"""`make audit` (issue 14 §6): scripts/dependency_audit.py reads pip-audit's report against the allow-list.

The advisory database is usually out of reach from the build machines (local package mirrors only): pip-audit
then skips every dependency and still says "No known vulnerabilities found", so the script must say plainly
that nothing was audited, and not fail the build. An advisory is accepted only until its date.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dependency_audit.py"
spec = importlib.util.spec_from_file_location("dependency_audit", SCRIPT)
assert spec is not None and spec.loader is not None
audit = importlib.util.module_from_spec(spec)
sys.modules["dependency_audit"] = audit  # dataclasses look their module up while the class is made
spec.loader.exec_module(audit)

TODAY = dt.date(2026, 12, 7)
SKIPPED = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django"}
VULNERABLE = {
    "name": "Django",
    "version": "5.2.1",
    "vulns": [{"id": "PYSEC-2026-1", "aliases": ["GHSA-aaaa-bbbb-cccc"], "fix_versions": ["5.2.9"]}],
}
CLEAN = {"name": "numpy", "version": "2.3.0", "vulns": []}
ALLOW = """
[[accepted]]
id = "GHSA-aaaa-bbbb-cccc"
package = "django"
expires = 2026-12-31
reason = "We do not use the affected template filter."
"""


def report_of(*dependencies: dict) -> tuple[list[str], int]:
    report = audit.parse_report({"dependencies": list(dependencies), "fixes": []})
    return audit.describe(report, audit.read_allow_list(ALLOW), TODAY)


def test_when_nothing_could_be_looked_up_it_says_so_and_does_not_fail() -> None:
    lines, status = report_of(SKIPPED, SKIPPED | {"name": "numpy"})
    assert status == 0
    assert lines[0].startswith("pip-audit: could not reach the advisory database")
    assert "2 dependencies NOT audited" in lines[0]


def test_an_advisory_not_on_the_allow_list_fails() -> None:
    other = {**VULNERABLE, "vulns": [{"id": "PYSEC-2026-2", "aliases": [], "fix_versions": []}]}
    lines, status = report_of(other, CLEAN)
    assert status == 1
    assert lines[-1] == "  django 5.2.1 PYSEC-2026-2 (no fixed version yet): NEW (not on the allow-list)"


def test_an_accepted_advisory_passes_until_its_date_matched_by_an_alias() -> None:
    lines, status = report_of(VULNERABLE, CLEAN, SKIPPED)
    assert status == 0
    assert lines[0] == "pip-audit: 2 dependencies audited, 1 could not be looked up."
    assert "accepted until 2026-12-31: We do not use the affected template filter." in lines[1]

    report = audit.parse_report({"dependencies": [VULNERABLE]})
    lines, status = audit.describe(report, audit.read_allow_list(ALLOW), dt.date(2027, 1, 1))
    assert status == 1 and lines[1].endswith("NEW (its acceptance expired on 2026-12-31)")


def test_no_advisories_reads_so() -> None:
    assert report_of(CLEAN) == (
        ["pip-audit: 1 dependencies audited, 0 could not be looked up.", "No known advisories."],
        0,
    )


@pytest.mark.parametrize(
    "text, problem",
    [
        ('[[accepted]]\nid = "X"\npackage = "p"\nreason = "r"\n', "lacks expires"),
        ('[[accepted]]\nid = "X"\npackage = "p"\nexpires = "soon"\nreason = "r"\n', "expires must be a date"),
        ('[[accepted]]\nid = "X"\npackage = "p"\nexpires = 2027-01-01\nreason = " "\n', "say why"),
        ("accepted = [", "not valid TOML"),
    ],
)
def test_a_malformed_allow_list_is_refused(text: str, problem: str) -> None:
    with pytest.raises(audit.AllowListError, match=problem):
        audit.read_allow_list(text)


def test_the_shipped_allow_list_reads() -> None:
    assert isinstance(audit.read_allow_list(audit.ALLOW_LIST.read_text()), list)


def test_a_pip_audit_that_cannot_run_its_audit_does_not_fail_the_build(tmp_path, capsys) -> None:
    """pip-audit stopping on a network error (no report written) reads as unreachable too."""
    fake = tmp_path / "pip-audit"
    fake.write_text("#!/bin/sh\necho 'ConnectionError: pypi.org unreachable' >&2\nexit 1\n")
    fake.chmod(0o700)
    assert audit.main(["--pip-audit", str(fake), "--allow-list", str(tmp_path / "none.toml")]) == 0
    assert "could not reach the advisory database" in capsys.readouterr().out


def test_a_malformed_allow_list_stops_make_audit(tmp_path, capsys) -> None:
    bad = tmp_path / "allow.toml"
    bad.write_text("accepted = [")
    assert audit.main(["--allow-list", str(bad)]) == 2
    assert "not valid TOML" in capsys.readouterr().out
