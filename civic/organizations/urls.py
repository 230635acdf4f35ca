from django.urls import path

from civic.organizations import views

app_name = "organizations"
urlpatterns = [
    path("<str:token>/", views.invitation_detail, name="invitation"),
]
