from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "hipcoach.progress"
    label = "progress"
