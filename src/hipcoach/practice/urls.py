from django.urls import path

from hipcoach.practice import views

app_name = "practice"
urlpatterns = [
    path("sessions/start/", views.start, name="start"),
    path("sessions/<int:pk>/live/", views.live, name="live"),
    path("sessions/<int:pk>/", views.summary, name="summary"),
    path("history/", views.history, name="history"),
]
