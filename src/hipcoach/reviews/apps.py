from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "hipcoach.reviews"
    label = "reviews"
