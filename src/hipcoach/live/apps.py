from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "hipcoach.live"
    label = "live"
