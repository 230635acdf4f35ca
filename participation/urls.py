from django.urls import path

from participation import views

app_name = "participation"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:city_slug>/", views.space_detail, name="space"),
    path("<slug:city_slug>/proposals.geojson", views.space_geojson, name="geojson"),
    path("<slug:city_slug>/embed/", views.embed, name="embed"),
    path("<slug:city_slug>/proposals/new/", views.proposal_create, name="proposal_create"),
    path("<slug:city_slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("<slug:city_slug>/proposals/<int:pk>/support/", views.proposal_support, name="support"),
    path("<slug:city_slug>/proposals/<int:pk>/follow/", views.proposal_follow, name="follow"),
    path("<slug:city_slug>/proposals/<int:pk>/flag/", views.flag, name="flag"),
    path("<slug:city_slug>/proposals/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path(
        "<slug:city_slug>/proposals/<int:pk>/comments/<int:comment_pk>/edit/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "<slug:city_slug>/proposals/<int:pk>/comments/<int:comment_pk>/delete/",
        views.comment_delete,
        name="comment_delete",
    ),
    path(
        "<slug:city_slug>/proposals/<int:pk>/comments/<int:comment_pk>/flag/", views.flag, name="comment_flag"
    ),
    path("<slug:city_slug>/calls/<int:pk>/", views.call_detail, name="call"),
    path("<slug:city_slug>/calls/<int:pk>/responses/", views.call_responses, name="call_responses"),
    path("<slug:city_slug>/dashboard/", views.dashboard, name="dashboard"),
    path("<slug:city_slug>/dashboard/settings/", views.dashboard_settings, name="dashboard_settings"),
    path("<slug:city_slug>/dashboard/calls/", views.dashboard_calls, name="dashboard_calls"),
    path("<slug:city_slug>/dashboard/answer/<int:pk>/", views.answer_form, name="answer"),
    path(
        "<slug:city_slug>/dashboard/moderate/<str:kind>/<int:pk>/<str:action>/",
        views.moderate,
        name="moderate",
    ),
    path("<slug:city_slug>/dashboard/export/proposals.csv", views.export_proposals, name="export_proposals"),
    path("<slug:city_slug>/dashboard/export/supports.csv", views.export_supports, name="export_supports"),
    path("<slug:city_slug>/dashboard/export/answers.csv", views.export_answers, name="export_answers"),
]
