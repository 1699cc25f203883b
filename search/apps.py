from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from search.sqlite import ensure_sync_after_migrate

        post_migrate.connect(ensure_sync_after_migrate, sender=self)
