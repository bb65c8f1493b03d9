from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "hipcoach.booking"
    label = "booking"
