from django.urls import path

from watchkeeper.estate import footing_views, views

app_name = "estate"
urlpatterns = [
    path("cameras/", views.camera_list, name="camera_list"),
    path("cameras/new/", views.camera_register, name="camera_register"),
    path("cameras/<int:pk>/", views.camera_detail, name="camera_detail"),
    path("cameras/<int:pk>/edit/", views.camera_edit, name="camera_edit"),
    path("cameras/<int:pk>/status/", views.camera_status, name="camera_status"),
    path("cameras/<int:pk>/zones/", views.camera_zones, name="camera_zones"),
    path("cameras/<int:pk>/zones/frame/", views.camera_reference_request, name="camera_reference_request"),
    path(
        "cameras/<int:pk>/zones/frame/<uuid:frame>/",
        views.camera_reference_status,
        name="camera_reference_status",
    ),
    path(
        "cameras/<int:pk>/zones/frame/<uuid:frame>.jpg",
        views.camera_reference_frame,
        name="camera_reference_frame",
    ),
    path("cameras/<int:pk>/responsible/", footing_views.camera_responsible, name="camera_responsible"),
    path(
        "cameras/<int:pk>/not-private/", footing_views.camera_confirm_not_private, name="camera_not_private"
    ),
    path("schools/", views.school_list, name="school_list"),
    path("schools/<int:pk>/responsible/", footing_views.school_responsible, name="school_responsible"),
    path("schools/new/", views.school_register, name="school_register"),
    path("minibuses/", views.vehicle_list, name="vehicle_list"),
    path("minibuses/new/", views.vehicle_register, name="vehicle_register"),
]
