"""State changes for customers, contracts, contacts and staff roles."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    """Create a user and its contact row; without a password the user must set one by e-mail."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).strip()
    if user_model.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    user = user_model(username=email, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return Contact.objects.create(user=user, customer=customer, is_customer_admin=is_customer_admin)


def contact_invite_link(*, user) -> str:
    """A set-password link built on Django's password-reset tokens (single use, expiring)."""
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return settings.PORTAL_BASE_URL.rstrip("/") + path


@transaction.atomic
def contact_invite(
    *,
    customer: Customer,
    invited_by: Contact,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_customer_admin: bool = False,
) -> Contact:
    """A customer admin adds a contact without a password; an e-mail (after commit, through
    the outbox) carries the link to set one."""
    from tickets.services.outbox import outbox_enqueue  # local: tickets depends on packages

    if not invited_by.is_customer_admin or invited_by.customer_id != customer.pk:
        raise PermissionDenied
    contact = contact_create(
        customer=customer, email=email, first_name=first_name, last_name=last_name,
        is_customer_admin=is_customer_admin,
    )
    body = render_to_string("packages/invite_email.txt", {
        "contact": contact, "customer": customer, "invited_by": invited_by,
        "link": contact_invite_link(user=contact.user),
    })
    outbox_enqueue(
        recipients=[contact.user.email],
        subject=_("You are invited to the support portal of %(customer)s")
        % {"customer": customer.name},
        body=body,
    )
    return contact


@transaction.atomic
def contact_set_active(*, contact: Contact, active: bool, by: Contact) -> Contact:
    """Deactivate (or reactivate) a contact's login; an admin cannot lock themselves out."""
    if not by.is_customer_admin or by.customer_id != contact.customer_id:
        raise PermissionDenied
    if not active and contact.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = contact.user
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return contact
