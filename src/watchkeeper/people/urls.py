from django.urls import path

from watchkeeper.people import auth_views, views

app_name = "people"
urlpatterns = [
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/grant/", views.grant_role, name="grant_role"),
    path("staff/<int:pk>/training/", views.record_training, name="record_training"),
    path("staff/<int:pk>/second-factor/", views.reset_second_factor, name="reset_second_factor"),
    path("grants/<int:pk>/revoke/", views.revoke_role, name="revoke_role"),
]
