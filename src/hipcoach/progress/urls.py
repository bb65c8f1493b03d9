from django.urls import path

from hipcoach.progress import views

app_name = "progress"
urlpatterns = [
    path("progress/", views.index, name="index"),
    path("progress/activities/", views.psfs, name="psfs"),
    path("progress/chair-stand/", views.chair_stand, name="chair_stand"),
    path("progress/chair-stand/camera/", views.chair_stand_camera, name="chair_stand_camera"),
    path("account/export.<str:fmt>", views.export, name="export"),
    path("account/delete/", views.delete_account, name="delete"),
]
