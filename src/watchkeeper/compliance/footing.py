"""One camera's lawful footing, shown together on its page (issue 13 §1; design/compliance.md "The DPO's
settings"): beside its Art 6 basis (estate), the Art 9 and Art 10 conditions the DPO chose where the camera's
purposes serve safeguarding or crime uses (9.4), whether the appropriate policy document those conditions
need is in place and in date (DPA 2018 Sch 1 Part 4), and the school's privacy notice (UK GDPR Art 13, R5).

Which purposes serve which uses is the viewing app's judgement (viewing.rules.REASON_PURPOSES), reused here
so the camera page and the viewing request agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from watchkeeper.compliance import notices
from watchkeeper.compliance.models import PrivacyNotice, TrustSettings
from watchkeeper.compliance.trust import PolicyDocumentStatus, policy_document_status, settings_of
from watchkeeper.core.clauses import enforces
from watchkeeper.estate.models import Camera
from watchkeeper.viewing.rules import REASON_PURPOSES


@dataclass(frozen=True)
class CameraFooting:
    safeguarding: bool  # its purposes serve safeguarding uses: special-category information (Art 9)
    crime: bool  # its purposes serve crime uses: criminal-offence information (Art 10)
    settings: TrustSettings
    policy: PolicyDocumentStatus
    notice: PrivacyNotice | None
    notice_due: bool

    @property
    def notice_due_on(self) -> date | None:
        return notices.review_due_on(self.notice) if self.notice else None


def serves(purposes: list[str], reason: str) -> bool:
    return bool(REASON_PURPOSES[reason] & set(purposes))


@enforces("4.1", "R1", "R5")
def camera_footing(camera: Camera, today: date) -> CameraFooting:
    settings = settings_of(camera.school.trust_id)
    notice = notices.notice_of(camera.school)
    return CameraFooting(
        safeguarding=serves(camera.purposes, "safeguarding"),
        crime=serves(camera.purposes, "criminal_activity"),
        settings=settings,
        policy=policy_document_status(settings, today),
        notice=notice,
        notice_due=notices.review_due(notice, today),
    )
