from django.urls import path

from watchkeeper.evidence import hold_views, still_views, views

app_name = "evidence"

urlpatterns = [
    path("log/", views.cctv_log, name="cctv_log"),
    path("log.csv", views.cctv_log_csv, name="cctv_log_csv"),
    path("log.pdf", views.cctv_log_pdf, name="cctv_log_pdf"),
    path("signing-key/", views.signing_key, name="signing_key"),
    path("authorisations/<int:pk>/still/", still_views.still_request, name="still_request"),
    path("authorisations/<int:pk>/package/", views.package_create, name="package_create"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:pk>/reissue/", views.request_reissue, name="request_reissue"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path(
        "requests/<int:pk>/holds/<int:hold_pk>/release/", hold_views.release_for_request, name="hold_release"
    ),
    path(
        "redactions/<int:pk>/holds/<int:hold_pk>/release/",
        hold_views.release_for_redaction,
        name="redaction_hold_release",
    ),
    path("copies/<int:pk>/file/", views.copy_file, name="copy_file"),
    path("copies/<int:pk>/viewed/", views.copy_viewed, name="copy_viewed"),
    path("copies/<int:pk>/extend/", views.copy_extend, name="copy_extend"),
    path("copies/<int:pk>/delete/", views.copy_delete, name="copy_delete"),
]
