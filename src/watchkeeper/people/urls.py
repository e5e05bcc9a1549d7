from django.urls import path

from watchkeeper.people import account_views, auth_views, nomination_views, passkey_views, reroutings, views

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
    path("staff/rerouted/", reroutings.rerouting_list, name="reroutings"),
    path("staff/nominations/", nomination_views.nomination_list, name="nominations"),
    path("staff/nominations/<int:pk>/end/", nomination_views.nomination_end, name="nomination_end"),
    path("recuse/<str:kind>/<int:pk>/", nomination_views.recuse, name="recuse"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/authenticator/", account_views.authenticator, name="authenticator"),
    *passkey_views.urlpatterns,  # issue 14 §3
]
