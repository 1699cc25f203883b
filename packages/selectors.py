"""Read queries for customers, contracts and contacts."""

import zoneinfo
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from packages.models import Component, ComponentKind, Contact, Contract, Customer, Invitation
from packages.roles import MANAGERS_GROUP


def contract_day(contract: Contract, at: datetime):
    """The date ``at`` falls on in the contract's own zone (its days are the customer's)."""
    return at.astimezone(zoneinfo.ZoneInfo(contract.time_zone)).date()


def contract_covers(contract: Contract, at: datetime) -> bool:
    """Whether the contract is in force at an instant: from its first to its last day
    (valid_to is exclusive), judged in the contract's time zone."""
    return contract.valid_from <= contract_day(contract, at) < contract.valid_to


def contract_in_force(*, customer: Customer | int, at: datetime) -> Contract | None:
    """The customer's contract in force at the instant ``at``, or None."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    utc_day = at.astimezone(zoneinfo.ZoneInfo("UTC")).date()
    near = (  # zones are within a day of UTC: the candidates, then each judged in its zone
        Contract.objects.select_related("package", "customer")
        .filter(
            customer_id=customer_id,
            valid_from__lte=utc_day + timedelta(days=1),
            valid_to__gt=utc_day - timedelta(days=1),
        )
        .order_by("-valid_from")
    )
    return next((c for c in near if contract_covers(c, at)), None)


def components_for_filing() -> dict[str, list[Component]]:
    """Active components grouped as base functions and additional blocks."""
    groups: dict[str, list[Component]] = {ComponentKind.BASE: [], ComponentKind.ADDITIONAL: []}
    for component in Component.objects.filter(is_active=True):
        groups[component.kind].append(component)
    return groups


def component_priority_one_allowed(*, contract: Contract, component: Component) -> bool:
    """Priority 1 is only for base functions and the contract's covered blocks."""
    if component.kind == ComponentKind.BASE:
        return True
    return contract.covered_blocks.filter(pk=component.pk).exists()


def contacts_of(*, customer: Customer) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(customer=customer)
        .select_related("user")
        .order_by("-user__is_active", "user__last_name", "user__first_name", "user__email")
    )


def invitations_of(*, customer: Customer) -> QuerySet[Invitation]:
    """The organisation's open invitations (pending or expired), newest first."""
    return Invitation.objects.filter(
        customer=customer, accepted_at__isnull=True, cancelled_at__isnull=True
    ).order_by("-sent_at", "-pk")


def users_pickable_for_contact(*, keep: int | None = None) -> QuerySet:
    """Users a manager may make a customer's contact: active logins that are nobody's contact
    yet and hold no staff rights (no staff flag, no superuser, no group). ``keep``: the
    contact's current user stays a valid choice whatever it has become since."""
    pickable = Q(
        is_active=True,
        is_staff=False,
        is_superuser=False,
        contact__isnull=True,
        groups__isnull=True,
    )
    if keep is not None:
        pickable |= Q(pk=keep)
    return get_user_model().objects.filter(pickable).distinct().order_by("email", "username")


def user_label(user) -> str:
    """What a manager sees of a user when picking one: the name and the e-mail address."""
    name = user.get_full_name().strip()
    address = user.email or user.get_username()
    return f"{name} <{address}>" if name else address


def users_matching(qs: QuerySet, term: str) -> QuerySet:
    """``qs`` narrowed to users whose name, username or e-mail contains every word of ``term``."""
    for word in term.split():
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    return qs


def users_pickable_as_account_manager(*, keep: int | None = None) -> QuerySet:
    """The vendor's active managers (superusers included), and the current one (``keep``)."""
    pickable = Q(is_active=True, is_staff=True) & (
        Q(is_superuser=True) | Q(groups__name=MANAGERS_GROUP)
    )
    if keep is not None:
        pickable |= Q(pk=keep)
    return get_user_model().objects.filter(pickable).distinct().order_by("first_name", "email")
