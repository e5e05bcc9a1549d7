from django.urls import path

app_name = "estate"
urlpatterns: list = []
