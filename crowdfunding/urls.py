from django.urls import path

from crowdfunding import views

app_name = "crowdfunding"
urlpatterns = [
    path("", views.index, name="index"),
]
