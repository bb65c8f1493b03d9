from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hipcoach.accounts"
    label = "accounts"
