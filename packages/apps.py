from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PackagesConfig(AppConfig):
    name = "packages"
    verbose_name = _("Customers and contracts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="packages.roles_sync")


def _sync_roles_after_migrate(sender, **kwargs) -> None:
    """Staff groups need every app's permissions, which exist only after migrate: sync then.

    post_migrate fires once per app; acting on the last installed app sees all permissions.
    """
    from django.apps import apps

    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from packages.services import roles_sync

    roles_sync()
