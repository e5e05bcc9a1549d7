from django.urls import include, path

# A database outage is a 503 "try again shortly" page; anything else Django's own 500 page (issue 11 §7).
handler500 = "watchkeeper.core.views.server_error"
# Refusals, pages outside a person's role and missing pages: one styled page (design/architecture.md).
handler403 = "watchkeeper.core.refusals.permission_denied"
handler404 = "watchkeeper.core.refusals.page_not_found"

urlpatterns = [
    path("", include("watchkeeper.site.urls")),
    path("", include("watchkeeper.people.urls")),
    path("estate/", include("watchkeeper.estate.urls")),
    path("compliance/", include("watchkeeper.compliance.urls")),
    path("audit/", include("watchkeeper.audit.urls")),
    path("recording/", include("watchkeeper.recording.urls")),
    path("viewing/", include("watchkeeper.viewing.urls")),
    path("evidence/", include("watchkeeper.evidence.urls")),
    path("health/", include("watchkeeper.health.urls")),
    path("jobs/", include("watchkeeper.jobs.urls")),
    path("redaction/", include("watchkeeper.redaction.urls")),
    path("sar/", include("watchkeeper.subjectaccess.urls")),
    path("disclosures/", include("watchkeeper.disclosures.urls")),
]
