"""Read queries for customers, contracts and contacts."""

from datetime import date

from django.db.models import QuerySet

from packages.models import Component, ComponentKind, Contact, Contract, Customer


def contract_in_force(*, customer: Customer | int, on: date) -> Contract | None:
    """The customer's contract valid on ``on`` (valid_to is exclusive), or None."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    return (
        Contract.objects.select_related("package", "customer")
        .filter(customer_id=customer_id, valid_from__lte=on, valid_to__gt=on)
        .order_by("-valid_from")
        .first()
    )


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
    return Contact.objects.filter(customer=customer).select_related("user").order_by(
        "-user__is_active", "user__last_name", "user__first_name", "user__email"
    )
