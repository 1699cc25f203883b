"""Who a user is to the portal: a customer contact, a support engineer or a support manager.

Staff roles are Django groups (seeded with their permissions); a contact is a user with a
``Contact`` row. The answer is cached on the user object for the request; the session's user
comes with its staff groups already read (``accounts.backends``), so a page asks no query for it.
"""

from enum import StrEnum

ENGINEERS_GROUP = "Support engineers"
MANAGERS_GROUP = "Support managers"
CONTRACT_PRICE_PERMISSION = "packages.view_contract_price"


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    NONE = "none"
    CONTACT = "contact"
    ENGINEER = "engineer"
    MANAGER = "manager"


def role_of(user) -> Role:
    if user is None or not user.is_authenticated:
        return Role.ANONYMOUS
    cached = getattr(user, "_portal_role", None)
    if cached is not None:
        return cached
    role = _compute_role(user)
    user._portal_role = role
    return role


def remember_staff_groups(user, groups: set[str]) -> None:
    """Record the role of a user whose staff groups (of ENGINEERS_GROUP and MANAGERS_GROUP)
    were read with the user."""
    user._portal_role = _compute_role(user, groups)


def _compute_role(user, groups: set[str] | None = None) -> Role:
    if not user.is_active:
        return Role.NONE
    if user.is_superuser:
        return Role.MANAGER
    if groups is None:
        groups = set(user.groups.values_list("name", flat=True))
    if MANAGERS_GROUP in groups:
        return Role.MANAGER
    if ENGINEERS_GROUP in groups:
        return Role.ENGINEER
    if hasattr(user, "contact"):
        return Role.CONTACT
    return Role.NONE


def is_support_staff(user) -> bool:
    return role_of(user) in (Role.ENGINEER, Role.MANAGER)


def is_manager(user) -> bool:
    return role_of(user) == Role.MANAGER


def may_see_contract_price(user) -> bool:
    """Licence cost and support percentage are commercial: managers (and superusers) only."""
    return user.has_perm(CONTRACT_PRICE_PERMISSION)


def contact_of(user):
    """The user's Contact row, or None for staff and strangers."""
    if role_of(user) != Role.CONTACT:
        return None
    return user.contact
