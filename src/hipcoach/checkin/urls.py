from django.urls import path

from hipcoach.checkin import views

app_name = "checkin"
urlpatterns = [
    path("check-in/", views.new, name="new"),
    path("check-in/<int:pk>/", views.result, name="result"),
    path("health/", views.profile, name="profile"),
    path("clinic/patients/<int:pk>/health/", views.patient_profile, name="patient_profile"),
    path("clinic/stops/<int:pk>/", views.review_stop, name="review_stop"),
    path("clinic/known-signs/<int:pk>/forget/", views.forget_known_sign, name="forget_known"),
]
