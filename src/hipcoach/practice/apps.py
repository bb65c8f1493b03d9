from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "hipcoach.practice"
    label = "practice"
