from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hipcoach.reports"
    label = "reports"
