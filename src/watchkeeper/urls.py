from django.urls import include, path

# A database outage is a 503 "try again shortly" page; anything else Django's own 500 page (issue 11 §7).
handler500 = "watchkeeper.core.views.server_error"

urlpatterns = [
    path("", include("watchkeeper.core.urls")),
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
