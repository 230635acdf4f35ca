from django.urls import path

from volunteering import views

app_name = "volunteering"
urlpatterns = [
    path("", views.index, name="index"),
]
