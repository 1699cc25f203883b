"""The organisation check every service that acts on a ticket makes itself.

The views already answer 404 for another organisation's ticket (tickets.selectors.access);
this is the same rule inside the services, so a path that reaches them without a view (the
API, e-mail, a task) cannot act for a contact on another organisation's ticket. Views turn the
PermissionDenied into a 404.
"""

from django.core.exceptions import PermissionDenied

from packages.roles import Role, role_of


def ticket_actor_role(user, ticket) -> Role:
    """Support staff, or an active contact of the ticket's (active) organisation; anyone else
    is refused."""
    role = role_of(user)
    if role in (Role.ENGINEER, Role.MANAGER):
        return role
    if role == Role.CONTACT:
        contact = user.contact
        if contact.customer_id == ticket.customer_id and contact.customer.is_active:
            return role
    raise PermissionDenied
