from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "rollups"
    verbose_name = _("Dashboard roll-ups")

    def ready(self) -> None:
        # Every save or delete of a ticket keeps the ended tickets' roll-ups exact.
        from rollups import signals  # noqa: F401
