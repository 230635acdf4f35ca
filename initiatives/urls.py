from django.urls import path

from initiatives import views

app_name = "initiatives"
urlpatterns = [
    path("", views.index, name="index"),
    path("map.geojson", views.feed, name="feed"),
    path("new/", views.create, name="create"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<str:kind>/<int:pk>/", views.review, name="review"),
    path("submit/<str:kind>/<int:pk>/", views.submit, name="submit"),
    path("contributors/<int:pk>/", views.contributor, name="contributor"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/map.geojson", views.point_feed, name="point_feed"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/feature/", views.feature, name="feature"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/replicate/", views.replicate, name="replicate"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/add/<str:kind>/", views.report_create, name="report_create"),
]
