from django.urls import path

from hipcoach.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("pdf/", views.own_pdf, name="own_pdf"),
    path("fhir/", views.own_fhir, name="own_fhir"),
    path("patients/<int:pk>/", views.patient_form, name="patient"),
    path("patients/<int:pk>/pdf/", views.patient_pdf, name="patient_pdf"),
    path("patients/<int:pk>/fhir/", views.patient_fhir, name="patient_fhir"),
]
