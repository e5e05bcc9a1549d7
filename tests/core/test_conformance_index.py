"""Issue 13, "Done when": each requirement the conformance issue met shows where it is met in the clause
index (design/clauses.md), at the function that meets it and a test that proves it. Without these tags the
index says 11.4 is "not enforced in code" and lists no clock monitoring under R20, though both are."""

import pytest

from watchkeeper.site import clauses_index as index

# Requirement or clause → the functions issue 13 added or changed that meet it, and a test that proves it.
MET_BY = {
    # §3: every release of images carries the social-media prohibition, from one place.
    "11.4": (
        [
            "watchkeeper.core.release_terms.no_social_media",
            "watchkeeper.core.release_terms.image_line",
            "watchkeeper.disclosures.services.register.record_disclosure",
        ],
        "tests/subjectaccess/test_letter_release_terms.py::"
        "test_a_letter_offering_a_viewing_carries_the_social_media_prohibition",
    ),
    # §4: the time in the picture whatever the length: the burned-in working copy that follows.
    "R19": (
        ["watchkeeper.evidence.burned_copy.run_burned_copy"],
        "tests/evidence/test_burned_copy.py::"
        "test_a_long_package_is_issued_at_once_and_its_burned_in_copy_follows_under_the_same_password",
    ),
    # §4: clock drift of each camera and of the server's time source is monitored.
    "R20": (
        ["watchkeeper.health.clock.camera_clock", "watchkeeper.health.clock.server_clock"],
        "tests/health/test_clock.py::test_a_drifting_camera_clock_opens_an_alert_and_closes_once_corrected",
    ),
    # §4: the policy's 30 days against the Home Office's 31, the repealed s29 and the complaints duty, told to
    # the DPO on the compliance report.
    "13.1": (
        ["watchkeeper.compliance.differences.differences"],
        "tests/compliance/test_trust_settings.py::test_the_differences_name_retention_the_complaints_duty_and_section_29",
    ),
    # §3: FOI requests name cameras and a window and hold them like the other requests.
    "R22": (
        ["watchkeeper.disclosures.services.foi.log_foi_request"],
        "tests/disclosures/test_issue13.py::test_an_foi_request_names_cameras_and_a_window_and_holds_them",
    ),
    # §5: the zone editor's live frame needs the live-viewer approval, or has the zones applied.
    "R8": (
        [
            "watchkeeper.estate.services.request_reference_frame",
            "watchkeeper.estate.services.view_reference_frame",
        ],
        "tests/zones/test_zone_frame_masked.py::"
        "test_the_frame_shows_existing_zones_unless_the_administrator_is_an_approved_live_viewer",
    ),
    # §5: playback decided by the Headteacher or a nominated alternate, recusal, escalation to the DPO.
    "R9": (
        ["watchkeeper.people.deciders.decider_problems", "watchkeeper.people.deciders.escalation"],
        "tests/people/test_deciders.py::test_a_designated_person_without_a_nomination_may_not_decide_viewing",
    ),
}


@pytest.mark.parametrize("clause", list(MET_BY))
def test_the_index_shows_where_issue_13_met_each_requirement(clause):
    functions, test = MET_BY[clause]
    enforced = {link.name for link in index.enforcing_functions().get(clause, [])}
    assert sorted(set(functions) - enforced) == [], f"not tagged @enforces({clause!r})"
    proved = {link.name for link in index.proving_tests().get(clause, [])}
    assert test in proved, f"{test} is not marked @pytest.mark.clause({clause!r})"
