from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hipcoach.web"
    label = "web"
