from django.urls import path

from hipcoach.live.consumers import SessionConsumer

websocket_urlpatterns = [
    path("ws/sessions/<int:pk>/", SessionConsumer.as_asgi()),
]
