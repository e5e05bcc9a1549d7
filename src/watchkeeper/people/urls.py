from django.urls import path

from watchkeeper.people import auth_views

app_name = "people"
urlpatterns = [
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
]
