from django.urls import path

from volunteering import views

app_name = "volunteering"
urlpatterns = [
    path("", views.index, name="index"),
    path("map.geojson", views.geojson, name="geojson"),
    path("mine/", views.mine, name="mine"),
    path("mine/attestation/<int:organization_pk>/", views.attestation, name="attestation"),
    path("<int:pk>/", views.mission_detail, name="mission_detail"),
    path("<int:pk>/map.geojson", views.mission_geojson, name="mission_geojson"),
    path("<int:pk>/recommend/", views.recommend, name="recommend"),
    path("slots/<int:slot_pk>/join/", views.participation_create, name="join"),
    path("slots/<int:slot_pk>/calendar.ics", views.slot_calendar, name="slot_calendar"),
    path("participations/<int:pk>/cancel/", views.participation_cancel, name="cancel"),
]
