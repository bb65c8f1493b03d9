from django.urls import path

from hipcoach.checkin import views

app_name = "checkin"
urlpatterns = [
    path("check-in/", views.new, name="new"),
    path("check-in/<int:pk>/", views.result, name="result"),
]
