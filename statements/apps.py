from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = _("SLA statements")

    def ready(self) -> None:
        # The outbox stores text only: the monthly mail gets its PDF and CSV at send time.
        from statements.mail import attach_statement
        from tickets.services.mail_format import register_attacher

        register_attacher(attach_statement)
