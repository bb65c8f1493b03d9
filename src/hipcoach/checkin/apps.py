from django.apps import AppConfig


class CheckinConfig(AppConfig):
    name = "hipcoach.checkin"
    label = "checkin"
