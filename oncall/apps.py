from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OncallConfig(AppConfig):
    name = "oncall"
    verbose_name = _("On duty and staff notifications")

    def ready(self) -> None:
        from oncall import receivers  # noqa: F401 - connects the services' events
