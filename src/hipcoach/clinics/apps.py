from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "hipcoach.clinics"
    label = "clinics"
