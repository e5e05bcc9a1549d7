"""One hand-over for the response (10.3, 11.6): every built package of the case's clips in one file, so the
school office gives the requester one file and, separately, the one password (`package.authorise_response`).

The file is a plain ZIP of the sealed packages, each still the password-protected, signed ZIP the evidence
workflow built, unchanged: the outer ZIP adds no protection and needs none, and the requester checks each
package as its README explains. Each package is fetched through `evidence.fetch_copy` (who may, audited as
`evidence.copy_fetched` on its own CCTV log row, Appendix I); the case's timeline records the hand-over."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from watchkeeper.core.actors import Actor, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.subjectaccess.models import SubjectAccessRequest
from watchkeeper.subjectaccess.services.common import audit
from watchkeeper.subjectaccess.services.package import COPIES

README = """Subject access response {reference}

Each file in this folder is a sealed evidence package: a password-protected ZIP. One password opens all
of them; the school gives it to you separately, never with these files. Each package holds a README
explaining what it contains and how to check that it has not been changed since the school made it.
Do not share or post these images on social media (policy 11.4).
"""


def response_packages(case: SubjectAccessRequest) -> tuple[list[Any], list[str]]:
    """The stored copies of the case's packages, and what stops one hand-over of them all."""
    from watchkeeper.evidence.models import Download, RequestStatus

    clips = list(case.clips.filter(provision__in=COPIES).select_related("download_request"))
    asked = [c.download_request for c in clips if c.download_request is not None]
    problems = []
    if not asked:
        problems.append("10.3: no package of this response has been asked for yet")
    waiting = [r for r in asked if r.status != RequestStatus.READY]
    if waiting:
        numbers = ", ".join(f"#{r.pk} ({r.get_status_display().lower()})" for r in waiting)
        problems.append(f"9.5: every package must be built first — download request {numbers}")
    if len(asked) < len(clips):
        problems.append("10.3: a copy or still of this response has no package asked for yet")
    copies = list(Download.objects.filter(request__in=asked, deleted_at=None).order_by("request_id", "pk"))
    if not waiting and len({d.request_id for d in copies}) < len(asked):
        problems.append("13.2: a package of this response is no longer stored")
    return copies, problems


@enforces("10.3", "11.6", "9.5", "Appendix I")
def response_file(actor: Actor, case: SubjectAccessRequest, *, now: datetime) -> Iterator[bytes]:
    """The response's packages in one ZIP, chunk by chunk. Refused (before anything is sent) unless every
    package is built and stored and the actor may fetch each one."""
    from watchkeeper.evidence import services as evidence

    person = require_person(actor, "9.5: only a signed-in member of staff hands over a response")
    copies, problems = response_packages(case)
    refuse_if(problems)
    # Each fetch is checked and audited now, so a refusal comes before the first byte.
    fetched = [(d, evidence.fetch_copy(person, d, now=now)) for d in copies]  # type: ignore[attr-defined]
    audit("response_fetched", person, case, downloads=[d.pk for d in copies])
    return _zip(case, fetched)


class _Sink:
    """A write-only stream for zipfile (which then writes data descriptors): collects bytes to yield."""

    def __init__(self) -> None:
        self.buffer, self.position = bytearray(), 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.buffer = bytes(self.buffer), bytearray()
        return data


def _zip(case: SubjectAccessRequest, fetched: list[tuple[Any, Iterator[bytes]]]) -> Iterator[bytes]:
    sink = _Sink()
    # Stored, not deflated: the packages are encrypted already and would not shrink.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as outer:
        outer.writestr("README.txt", README.format(reference=case.reference))
        for download, chunks in fetched:
            name = download.package_file.removesuffix(".wkpkg") + ".zip"
            with outer.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
                    yield sink.take()
    yield sink.take()
