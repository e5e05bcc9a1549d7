from django.urls import path

from watchkeeper.disclosures import views

app_name = "disclosures"

urlpatterns = [
    path("", views.index, name="index"),
    path("police/new/", views.police_new, name="police_new"),
    path("outside/new/", views.outside_new, name="outside_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("requests/<int:pk>/escalate/", views.request_escalate, name="request_escalate"),
    path("requests/<int:pk>/advice/", views.request_advise, name="request_advise"),
    path("documents/<uuid:pk>/", views.document_download, name="document_download"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/ask/", views.review_request, name="review_request"),
    path("reviews/<int:pk>/finding/", views.review_finding, name="review_finding"),
    path("foi/new/", views.foi_new, name="foi_new"),
    path("foi/<int:pk>/", views.foi_detail, name="foi_detail"),
    path("foi/<int:pk>/decide/", views.foi_decide, name="foi_decide"),
    path("closures/", views.closures, name="closures"),
    path("closures/<int:pk>/remove/", views.closure_remove, name="closure_remove"),
    path("register/", views.register_page, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("register.pdf", views.register_pdf, name="register_pdf"),
]
