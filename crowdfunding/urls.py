from django.urls import path

from crowdfunding import views

app_name = "crowdfunding"
urlpatterns = [
    path("", views.index, name="index"),
    path("funding/", views.funding_list, name="funding_list"),
    path("map.geojson", views.map_feed, name="map_feed"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("<int:pk>/follow/", views.project_follow, name="project_follow"),
    path("<int:pk>/feedback/", views.feedback_create, name="feedback_create"),
    path("<int:pk>/meetings/new/", views.meeting_propose, name="meeting_propose"),
    path("<int:pk>/meetings/<int:meeting_pk>/decide/", views.meeting_decide, name="meeting_decide"),
    path("<int:pk>/news/new/", views.update_create, name="update_create"),
    path("<int:pk>/campaign/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/pledge/", views.pledge_create, name="pledge_create"),
    path("campaigns/<int:pk>/rewards/new/", views.reward_create, name="reward_create"),
    path("campaigns/<int:pk>/time-needs/new/", views.time_need_create, name="time_need_create"),
    path("campaigns/<int:pk>/partner/", views.partner_create, name="partner_create"),
    path("campaigns/<int:pk>/cancel/", views.campaign_cancel, name="campaign_cancel"),
    path("campaigns/<int:pk>/pledges/", views.pledge_manage, name="pledge_manage"),
    path("pledges/<int:pk>/received/", views.pledge_received, name="pledge_received"),
    path("time-needs/<int:pk>/offer/", views.time_offer_create, name="time_offer_create"),
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
