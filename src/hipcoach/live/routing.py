from django.urls import path

from hipcoach.live.consumers import ChairStandConsumer, SessionConsumer

websocket_urlpatterns = [
    path("ws/sessions/<int:pk>/", SessionConsumer.as_asgi()),
    path("ws/chair-stand/", ChairStandConsumer.as_asgi()),
]
