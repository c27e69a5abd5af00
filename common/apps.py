from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What every app needs and no app owns: request hygiene, small shared helpers."""

    name = "common"
    verbose_name = "公共组件"
