from django.urls import path

from watchkeeper.subjectaccess import views

app_name = "subjectaccess"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("reviews/", views.review_list, name="review_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/letter.pdf", views.letter, name="letter"),
    path("<int:pk>/response.zip", views.response_file, name="response_file"),
    path("<int:pk>/review/", views.review_request, name="review_request"),
    path("<int:pk>/attest/", views.attest, name="attest"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case_action"),
]
