from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from watchkeeper.site import views

app_name = "site"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says: send them to the icon.
    path("favicon.ico", RedirectView.as_view(url=static("watchkeeper/favicon.svg")), name="favicon"),
    path("inbox/", views.inbox, name="inbox"),
]
