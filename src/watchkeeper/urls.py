from django.urls import include, path

# A database outage is a 503 "try again shortly" page; anything else Django's own 500 page (issue 11 §7).
handler500 = "watchkeeper.core.views.server_error"
# Refusals, pages outside a person's role and missing pages: one styled page (design/architecture.md).
handler403 = "watchkeeper.core.refusals.permission_denied"
handler404 = "watchkeeper.core.refusals.page_not_found"

# Each app's pages under its own prefix (the site and people at the root).
APP_PREFIXES = [
    ("", "site"),
    ("", "people"),
    ("estate/", "estate"),
    ("compliance/", "compliance"),
    ("audit/", "audit"),
    ("recording/", "recording"),
    ("viewing/", "viewing"),
    ("evidence/", "evidence"),
    ("health/", "health"),
    ("jobs/", "jobs"),
    ("redaction/", "redaction"),
    ("sar/", "subjectaccess"),
    ("disclosures/", "disclosures"),
    ("account/notices/", "notices"),
    ("complaints/", "complaints"),
    ("breaches/", "breaches"),
    ("reports/", "reports"),
    ("misuse/", "misuse"),
    ("reviews/", "reviews"),
    ("public/", "public"),
]

urlpatterns = [path(prefix, include(f"watchkeeper.{app}.urls")) for prefix, app in APP_PREFIXES]
