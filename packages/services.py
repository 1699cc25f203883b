"""State changes for customers, contracts, contacts and staff roles."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import AuditAction
from audit.services import audit_record
from packages.models import Component, ComponentKind, Contact, Contract, Customer
from packages.roles import CONTRACT_PRICE_PERMISSION, ENGINEERS_GROUP, MANAGERS_GROUP

# Permissions each staff group holds, as "app_label.codename". Managers hold the engineers' too.
ENGINEER_PERMISSIONS = (
    "tickets.view_ticket",
    "tickets.change_ticket",
    "packages.view_customer",
    "packages.view_contract",
    "packages.view_contact",
    "packages.view_component",
    "packages.view_supportpackage",
    "sla.view_businesscalendar",
    "sla.view_slatarget",
    "sla.view_contracttarget",
    "mailin.view_inboundmessage",  # inbound mail and its original message (admin)
)
MANAGER_PERMISSIONS = (
    "tickets.extend_sla",
    "tickets.view_dashboard",
    "packages.add_customer",
    "packages.change_customer",
    "packages.add_contract",
    "packages.change_contract",
    CONTRACT_PRICE_PERMISSION,
    "packages.add_contact",
    "packages.change_contact",
    "packages.change_component",
    "packages.add_component",
    "packages.change_supportpackage",
    "sla.add_businesscalendar",
    "sla.change_businesscalendar",  # and so its hours, closed and extra open dates
    "sla.change_slatarget",
    "sla.add_contracttarget",
    "sla.change_contracttarget",
    "sla.delete_contracttarget",
    "django_celery_beat.view_periodictask",
    "django_celery_beat.change_periodictask",
    "audit.view_auditentry",
    "axes.view_accessattempt",  # see who is locked out, and lift a lock early
    "axes.delete_accessattempt",
)


def roles_sync() -> None:
    """Create the staff groups and give them their permissions (idempotent)."""
    wanted = {
        ENGINEERS_GROUP: ENGINEER_PERMISSIONS,
        MANAGERS_GROUP: ENGINEER_PERMISSIONS + MANAGER_PERMISSIONS,
    }
    for group_name, perms in wanted.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        found = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                found.append(permission)
        group.permissions.add(*found)


def contract_check_covered_blocks(*, contract: Contract, blocks: Iterable[Component]) -> None:
    """Raise ValidationError unless the blocks are additional blocks within the package's limit."""
    blocks = list(blocks)
    base = [b.name for b in blocks if b.kind != ComponentKind.ADDITIONAL]
    if base:
        raise ValidationError(
            _("Only additional blocks can be covered; base functions always are: %(names)s.")
            % {"names": ", ".join(base)}
        )
    limit = contract.package.covered_blocks_limit
    if len(blocks) > limit:
        raise ValidationError(
            ngettext(
                "The %(package)s package covers at most %(limit)d additional block at "
                "priority 1; %(count)d were chosen.",
                "The %(package)s package covers at most %(limit)d additional blocks at "
                "priority 1; %(count)d were chosen.",
                limit,
            )
            % {"package": contract.package.name, "limit": limit, "count": len(blocks)}
        )


@transaction.atomic
def contract_set_covered_blocks(*, contract: Contract, blocks: Iterable[Component]) -> None:
    blocks = list(blocks)
    contract_check_covered_blocks(contract=contract, blocks=blocks)
    contract.covered_blocks.set(blocks)


def email_in_use(email: str) -> bool:
    """Whether any account, anywhere (staff included), already has this address, in any case."""
    user_model = get_user_model()
    return user_model.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


def email_normalize(email: str) -> str:
    """Addresses are compared and stored in lower case (unique across users, any case)."""
    return (email or "").strip().lower()


@transaction.atomic
def contact_create(
    *,
    customer: Customer,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_customer_admin: bool = False,
    password: str | None = None,
) -> Contact:
    """Create a user and its contact row (the demo, the admin's tools, an accepted
    invitation); without a password the user cannot log in until one is set."""
    user_model = get_user_model()
    email = email_normalize(email)
    if email_in_use(email):
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    user = user_model(username=email, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return Contact.objects.create(user=user, customer=customer, is_customer_admin=is_customer_admin)


def require_customer_admin(by: Contact, customer_id: int) -> None:
    """Only an active admin of an active customer manages that customer's contacts."""
    if not by.is_customer_admin or by.customer_id != customer_id or not by.user.is_active:
        raise PermissionDenied
    if not by.customer.is_active:
        raise ValidationError(
            _("%(customer)s is deactivated: its contacts cannot be changed.")
            % {"customer": by.customer.name}
        )


@transaction.atomic
def contact_set_active(
    *, contact: Contact, active: bool, by: Contact, request=None
) -> Contact:
    """Deactivate (or reactivate) a contact's login; an admin cannot lock themselves out.
    Deactivation ends the contact's sessions and any password link sent to them."""
    require_customer_admin(by, contact.customer_id)
    if not active and contact.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = contact.user
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=by.user,
            action=AuditAction.CONTACT_REACTIVATED if active else AuditAction.CONTACT_DEACTIVATED,
            target=user, request=request, customer=contact.customer.name,
        )
    return contact


def contact_remember_language(*, contact: Contact, language: str) -> None:
    """Keep the language a contact last used: the portal writes to them in it.

    Called on each of their requests; it writes only when the language changes.
    """
    if language == contact.language or language not in dict(settings.LANGUAGES):
        return
    Contact.objects.filter(pk=contact.pk).update(language=language)
    contact.language = language
