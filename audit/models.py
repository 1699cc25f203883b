"""The audit log: who did what to whom, when and from where. Append-only.

Kept apart from ticket history (tickets.TicketChange): it records accounts and administration,
not the work on a ticket. Rows are written once by ``audit.services.audit_record`` and never
changed: the model refuses to save an existing row or delete one, the queryset refuses bulk
updates and deletes, and on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).
The actor and the target are kept as ids plus a label copied at the time, without foreign keys,
so deleting a user never has to touch (or loses) the rows that name them.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    TWO_FACTOR_VERIFIED = "two_factor_verified", _("Two-factor code accepted")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Two-factor code refused")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor login turned on")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor login turned off")
    RECOVERY_CODES_CREATED = "recovery_codes_created", _("Recovery codes created")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    PASSWORD_RESET_ASKED = "password_reset_asked", _("Password reset asked for")
    PASSWORD_CHANGED = "password_changed", _("Password set or changed")
    INVITATION_SENT = "invitation_sent", _("Contact invited")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_CANCELLED = "invitation_cancelled", _("Invitation cancelled")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    CONTACT_DEACTIVATED = "contact_deactivated", _("Contact deactivated")
    CONTACT_REACTIVATED = "contact_reactivated", _("Contact reactivated")
    ROLE_CHANGED = "role_changed", _("Role changed")
    ADMIN_CHANGE = "admin_change", _("Changed in the administration")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    WEBHOOK_CREATED = "webhook_created", _("Web hook registered")
    WEBHOOK_CHANGED = "webhook_changed", _("Web hook changed")
    WEBHOOK_DELETED = "webhook_deleted", _("Web hook removed")
    ATTACHMENT_DOWNLOADED = "attachment_downloaded", _("Attachment downloaded")
    ACCOUNT_EMAIL_CLEARED = "account_email_cleared", _("Duplicate e-mail address cleared")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only: its rows cannot be updated.")

    def delete(self):
        raise TypeError("The audit log is append-only: its rows cannot be deleted.")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    summary = models.TextField(_("summary"), blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("The audit log is append-only: an entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only: an entry cannot be deleted.")
