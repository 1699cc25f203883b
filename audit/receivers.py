"""Signals that become audit entries: logins, failed logins, lock-outs, logouts, group
membership (roles) and every save or deletion through the admin (contracts, SLA targets,
customers, users...)."""

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from audit.context import current_request
from audit.models import AuditAction
from audit.services import audit_record

User = get_user_model()


@receiver(user_logged_in, dispatch_uid="audit.login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN, target=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:254]
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, target=username, request=request)


@receiver(user_locked_out, dispatch_uid="audit.locked_out")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(
        actor=None,
        action=AuditAction.LOCKED_OUT,
        target=str(username or "")[:254],
        request=request,
    )


def _request_user():
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit.roles")
def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user joined or left a staff group (from either side of the relation)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    verb = {"post_add": "added", "post_remove": "removed", "pre_clear": "removed"}[action]
    if reverse:  # group.user_set.add(users...)
        users = (
            User.objects.filter(pk__in=pk_set or ())
            if action != "pre_clear"
            else (instance.user_set.all())
        )
        pairs = [(user, [instance.name]) for user in users]
    else:
        groups = (
            Group.objects.filter(pk__in=pk_set or ())
            if action != "pre_clear"
            else (instance.groups.all())
        )
        pairs = [(instance, [group.name for group in groups])]
    for user, names in pairs:
        if names:
            audit_record(
                actor=_request_user(),
                action=AuditAction.ROLE_CHANGED,
                target=user,
                **{verb: sorted(names)},
            )


ADMIN_VERBS = {ADDITION: "added", DELETION: "deleted"}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit.admin")
def _admin_logged(sender, instance: LogEntry, created, **kwargs):
    """Every add, change and deletion made in the admin, with Django's own change message."""
    if not created:
        return
    content_type = instance.content_type
    model = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    audit_record(
        actor=instance.user,
        action=AuditAction.ADMIN_CHANGE,
        target=(model, instance.object_id, instance.object_repr),
        at=instance.action_time,
        change=ADMIN_VERBS.get(instance.action_flag, "changed"),
        message=instance.get_change_message(),
    )
