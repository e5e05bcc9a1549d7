from django.urls import path

from watchkeeper.redaction import views

app_name = "redaction"

urlpatterns = [
    path("", views.redaction_list, name="list"),
    path("new/<int:auth_pk>/", views.redaction_start, name="start"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/keep/", views.keep, name="keep"),
    path("<int:pk>/keep-group/", views.keep_group, name="keep_group"),
    path("<int:pk>/mode/", views.mode, name="mode"),
    path("<int:pk>/manual/", views.manual, name="manual"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/output.mp4", views.output, name="output"),
    path("<int:pk>/report.json", views.report, name="report"),
    path("<int:pk>/tracks/<int:track_id>/thumb.jpg", views.thumbnail, name="thumbnail"),
]
