from django.urls import path

from watchkeeper.evidence.views import copies, holds, log, requests, signing_key, stills, together

app_name = "evidence"

urlpatterns = [
    path("log/", log.cctv_log, name="cctv_log"),
    path("log.csv", log.cctv_log_csv, name="cctv_log_csv"),
    path("log.pdf", log.cctv_log_pdf, name="cctv_log_pdf"),
    path("signing-key/", signing_key.signing_key, name="signing_key"),
    path("authorisations/<int:pk>/still/", stills.still_request, name="still_request"),
    path("authorisations/<int:pk>/package/", requests.package_create, name="package_create"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", requests.request_decide, name="request_decide"),
    path("requests/<int:pk>/reissue/", requests.request_reissue, name="request_reissue"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/holds/<int:hold_pk>/release/", holds.release_for_request, name="hold_release"),
    path(
        "redactions/<int:pk>/holds/<int:hold_pk>/release/",
        holds.release_for_redaction,
        name="redaction_hold_release",
    ),
    # Issue 15 §4: routine decisions of one kind taken together with one fresh code.
    path("copies/delete/", together.copies_together, {"step": "delete"}, name="copies_delete_together"),
    path("copies/extend/", together.copies_together, {"step": "extend"}, name="copies_extend_together"),
    path("copies/<int:pk>/file/", copies.copy_file, name="copy_file"),
    path("copies/<int:pk>/viewed/", copies.copy_step, {"step": "viewed"}, name="copy_viewed"),
    path("copies/<int:pk>/handed/", copies.copy_step, {"step": "handed"}, name="copy_handed"),
    path("copies/<int:pk>/extend/", copies.copy_step, {"step": "extend"}, name="copy_extend"),
    path("copies/<int:pk>/lost/", copies.copy_step, {"step": "lost"}, name="copy_lost"),
    path("copies/<int:pk>/password-sent/", copies.copy_step, {"step": "password"}, name="copy_password_sent"),
    path("copies/<int:pk>/delete/", copies.copy_step, {"step": "delete"}, name="copy_delete"),
]
