from django.urls import path

from watchkeeper.people import (
    account_views,
    auth_views,
    invitation_views,
    nomination_views,
    passkey_views,
    reroutings,
    sso_views,
    term_views,
    views,
)

app_name = "people"
urlpatterns = [
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/grant/", views.grant_role, name="grant_role"),
    path("staff/<int:pk>/training/", views.record_training, name="record_training"),
    path("staff/<int:pk>/reset-sign-in/", views.reset_sign_in, name="reset_sign_in"),
    path("staff/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("staff/confirm-roles/", term_views.confirm_roles, name="confirm_roles"),
    path("invitation/<str:token>/", invitation_views.invitation, name="invitation"),
    path("grants/<int:pk>/revoke/", views.revoke_role, name="revoke_role"),
    path("staff/rerouted/", reroutings.rerouting_list, name="reroutings"),
    path("staff/nominations/", nomination_views.nomination_list, name="nominations"),
    path("staff/nominations/<int:pk>/end/", nomination_views.nomination_end, name="nomination_end"),
    path("recuse/<str:kind>/<int:pk>/", nomination_views.recuse, name="recuse"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/authenticator/", account_views.authenticator, name="authenticator"),
    path("account/sso/link/", sso_views.sso_link, name="sso_link"),
    path("account/sso/unlink/", sso_views.sso_unlink, name="sso_unlink"),
    path("invitation/<str:token>/sso/", sso_views.sso_link_invitation, name="invitation_sso_link"),
    path("sso/start/", sso_views.sso_start, name="sso_start"),
    path("sso/callback/", sso_views.sso_callback, name="sso_callback"),
    path("sso/second-factor/", sso_views.sso_second_factor, name="sso_second_factor"),
    *passkey_views.urlpatterns,  # issue 14 §3
]
