from django.urls import path

from civic.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("following/", views.following_list, name="following"),
    path("my-data.json", views.data_export, name="data_export"),
    path("delete/", views.account_delete, name="account_delete"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/follow/", views.follow, name="follow"),
    path("members/<int:pk>/unfollow/", views.unfollow, name="unfollow"),
]
