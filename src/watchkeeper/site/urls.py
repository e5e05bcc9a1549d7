from django.urls import path

from watchkeeper.site import views

app_name = "site"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("inbox/", views.inbox, name="inbox"),
]
