from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "hipcoach.reviews"
    label = "reviews"

    def ready(self) -> None:
        # Connects the receiver that deletes a review's files with it.
        from hipcoach.reviews import actions  # noqa: F401, PLC0415
