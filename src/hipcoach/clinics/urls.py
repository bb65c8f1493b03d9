from django.urls import path

from hipcoach.accounts import views as account_views
from hipcoach.clinics import views

app_name = "clinics"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("edit/", views.edit, name="edit"),
    path("patients/<int:pk>/", views.patient, name="patient"),
    path("patients/<int:pk>/program/", views.prescribe, name="prescribe"),
    path("invites/", account_views.invites, name="invites"),
    path("invites/<int:pk>/withdraw/", account_views.revoke, name="revoke_invite"),
    path("join/<str:token>/", account_views.join, name="join"),
]
