from django.urls import path

from hipcoach.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.upload, name="upload"),
    path("patients/<int:patient_id>/", views.patient_reviews, name="patient"),
    path("patients/<int:patient_id>/new/", views.upload_for, name="upload_for"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/annotated.mp4", views.annotated, name="annotated"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
