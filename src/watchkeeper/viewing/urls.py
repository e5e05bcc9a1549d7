from django.urls import path

from watchkeeper.viewing import live_views, views

app_name = "viewing"
urlpatterns = [
    path("", views.authorisation_list, name="authorisation_list"),
    path("new/", views.authorisation_request, name="authorisation_request"),
    path("<int:pk>/", views.authorisation_detail, name="authorisation_detail"),
    path("<int:pk>/decide/", views.authorisation_decide, name="authorisation_decide"),
    path("<int:pk>/play/", views.player, name="player"),
    path("<int:pk>/cameras/<int:camera_id>/playlist.m3u8", views.playlist, name="playlist"),
    path("<int:pk>/segments/<uuid:segment_id>.mp4", views.segment, name="segment"),
    path("<int:pk>/segments/<uuid:segment_id>/init.mp4", views.segment_init, name="segment_init"),
    path("<int:pk>/segments/<uuid:segment_id>/media.m4s", views.segment_media, name="segment_media"),
    path("live/", live_views.live_grid, name="live_grid"),
    path("live/<int:camera_id>/stream.mp4", live_views.live_stream, name="live_stream"),
    path("staff/<int:pk>/history/", views.viewing_history, name="viewing_history"),
]
