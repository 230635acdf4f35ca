from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="index"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("map/", views.event_map, name="map"),
    path("map.geojson", views.event_geojson, name="geojson"),
    path("new/", views.event_create, name="create"),
    path("mine/", views.my_events, name="mine"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/event.ics", views.event_ics, name="ics"),
    path("<int:pk>/rsvp/", views.event_rsvp, name="rsvp"),
    path("<int:pk>/rsvp/cancel/", views.event_rsvp_cancel, name="rsvp_cancel"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("<int:pk>/attendees/", views.event_attendees, name="attendees"),
    path("<int:pk>/attendees.csv", views.event_attendees_csv, name="attendees_csv"),
    path("<int:pk>/message/", views.event_message, name="message"),
    path("<int:pk>/report/", views.event_report, name="report"),
    path("feeds/city/<slug:slug>.ics", views.feed_city, name="feed_city"),
    path("feeds/theme/<slug:slug>.ics", views.feed_theme, name="feed_theme"),
    path("feeds/member/<str:token>.ics", views.feed_member, name="feed_member"),
    path("board/<slug:city>/", views.board, name="board"),
    path("board/<slug:city>/<int:pk>/", views.board_entry, name="board_entry"),
    path("days/", views.day_list, name="day_list"),
    path("days/<slug:slug>/", views.day_detail, name="day_detail"),
    path("days/<slug:slug>/editions.geojson", views.day_geojson, name="day_geojson"),
    path("days/<slug:slug>/register/", views.edition_register, name="edition_register"),
    path("days/<slug:slug>/progress/", views.day_progress, name="day_progress"),
    path("days/<slug:slug>/editions/<int:pk>/review/", views.edition_review, name="edition_review"),
    path("days/<slug:slug>/summary/", views.day_summary, name="day_summary"),
]
