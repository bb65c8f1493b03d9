from django.urls import path

from hipcoach.booking import views

app_name = "booking"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.find, name="find"),
    path("new/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/", views.done, name="done"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/reschedule/confirm/", views.reschedule_confirm, name="reschedule_confirm"),
    path("<int:pk>/appointment.ics", views.ics, name="ics"),
    path("clinic/", views.schedule, name="schedule"),
    path("availability/", views.my_availability, name="my_availability"),
    path("availability/<int:clinician_id>/", views.availability, name="availability"),
]
