"""`make audit`: pip-audit over the installed dependencies, with an allow-list of accepted advisories.

Runs `pip-audit --local --format json`, then prints one line per advisory: accepted (on the allow-list,
not yet expired) or NEW. Exit status: 0 when every advisory is accepted, or when the advisory database
could not be reached (an installation with only local package mirrors: said plainly, and the build goes
on); 1 when an advisory is not accepted (or its acceptance expired); 2 when the allow-list is malformed.
`.ci/run` prints the report and does not fail the build on status 1 (issue 14 §6).

The allow-list, `security/pip-audit-allow.toml`, one table per accepted advisory:

    [[accepted]]
    id = "GHSA-xxxx-xxxx-xxxx"      # or PYSEC-…, CVE-…: any of the advisory's ids or aliases
    package = "django"
    expires = 2027-03-31            # a TOML date; after it the advisory counts as NEW again
    reason = "Not reachable: we do not use the affected feature (…)"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ALLOW_LIST = ROOT / "security" / "pip-audit-allow.toml"
UNREACHABLE = "could not reach the advisory database"


class AllowListError(ValueError):
    """The allow-list cannot be read; the message names the entry."""


@dataclass(frozen=True)
class Accepted:
    id: str
    package: str
    expires: dt.date
    reason: str


@dataclass(frozen=True)
class Advisory:
    package: str
    version: str
    ids: frozenset[str]  # the advisory's id and its aliases
    fixed_in: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    reachable: bool
    audited: int
    skipped: int
    advisories: tuple[Advisory, ...]


def read_allow_list(text: str) -> list[Accepted]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AllowListError(f"the allow-list is not valid TOML: {error}") from None
    entries = []
    for number, entry in enumerate(data.get("accepted", []), start=1):
        missing = {"id", "package", "expires", "reason"} - entry.keys()
        if missing:
            raise AllowListError(f"allow-list entry {number} lacks {', '.join(sorted(missing))}")
        if not isinstance(entry["expires"], dt.date) or isinstance(entry["expires"], dt.datetime):
            raise AllowListError(f"allow-list entry {number} ({entry['id']}): expires must be a date")
        if not str(entry["reason"]).strip():
            raise AllowListError(f"allow-list entry {number} ({entry['id']}): say why it is accepted")
        entries.append(
            Accepted(str(entry["id"]), str(entry["package"]).lower(), entry["expires"], entry["reason"])
        )
    return entries


def parse_report(data: dict[str, Any]) -> Report:
    """pip-audit's JSON. When no dependency could be looked up at all, the database was not reached (pip-audit
    itself then says "no known vulnerabilities", which would be false comfort)."""
    audited = skipped = 0
    advisories = []
    for dependency in data.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped += 1
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            advisories.append(
                Advisory(
                    dependency["name"].lower(),
                    dependency.get("version", ""),
                    frozenset([vuln["id"], *vuln.get("aliases", [])]),
                    tuple(vuln.get("fix_versions", [])),
                )
            )
    return Report(audited > 0, audited, skipped, tuple(advisories))


def acceptance(advisory: Advisory, allowed: list[Accepted], today: dt.date) -> tuple[bool, str]:
    """Whether the advisory is accepted today, and the words for the report."""
    for entry in allowed:
        if entry.package == advisory.package and entry.id in advisory.ids:
            if today <= entry.expires:
                return True, f"accepted until {entry.expires.isoformat()}: {entry.reason}"
            return False, f"NEW (its acceptance expired on {entry.expires.isoformat()})"
    return False, "NEW (not on the allow-list)"


def describe(report: Report, allowed: list[Accepted], today: dt.date) -> tuple[list[str], int]:
    """The report's lines and the exit status."""
    if not report.reachable:
        return [
            f"pip-audit: {UNREACHABLE} (PyPI's advisory service); {report.skipped} dependencies NOT audited.",
            "Not failing the build for it: run `make audit` where the network reaches pypi.org.",
        ], 0
    lines = [f"pip-audit: {report.audited} dependencies audited, {report.skipped} could not be looked up."]
    status = 0
    for advisory in sorted(report.advisories, key=lambda a: (a.package, sorted(a.ids))):
        ok, words = acceptance(advisory, allowed, today)
        status = status if ok else 1
        fixed = ", ".join(advisory.fixed_in) or "no fixed version yet"
        lines.append(
            f"  {advisory.package} {advisory.version} {'/'.join(sorted(advisory.ids))} ({fixed}): {words}"
        )
    if not report.advisories:
        lines.append("No known advisories.")
    return lines, status


def run_pip_audit(pip_audit: str) -> dict[str, Any] | None:
    """pip-audit's JSON report, or None where it could not run its audit (the network, most often)."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [pip_audit, "--local", "--skip-editable", "--progress-spinner", "off", "--format", "json"]
        done = subprocess.run(
            [*command, "--aliases", "on", "--desc", "off", "--output", str(output)],
            text=True,
            capture_output=True,
        )
        if not output.exists() or not output.read_text().strip():
            sys.stderr.write(done.stderr[-2000:])
            return None
        return json.loads(output.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip-audit", default=str(Path(sys.executable).parent / "pip-audit"))
    parser.add_argument("--allow-list", type=Path, default=ALLOW_LIST)
    args = parser.parse_args(argv)
    try:
        allowed = read_allow_list(args.allow_list.read_text()) if args.allow_list.exists() else []
    except AllowListError as error:
        print(f"pip-audit: {error} ({args.allow_list})")
        return 2
    data = run_pip_audit(args.pip_audit)
    report = parse_report(data) if data is not None else Report(False, 0, 0, ())
    lines, status = describe(report, allowed, dt.date.today())
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
