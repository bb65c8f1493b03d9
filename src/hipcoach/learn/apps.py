from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "hipcoach.learn"
    label = "learn"
