"""The admin of customers and contracts: contracts.py (packages, components, customers,
contracts and their price) and contacts.py (contacts and the user picker)."""

from packages.admin.contacts import ContactAdmin, ContactAdminForm, ContactInline
from packages.admin.contracts import (
    ComponentAdmin,
    ContractAdmin,
    ContractAdminForm,
    CustomerAdmin,
    SupportPackageAdmin,
)

__all__ = [
    "ComponentAdmin",
    "ContactAdmin",
    "ContactAdminForm",
    "ContactInline",
    "ContractAdmin",
    "ContractAdminForm",
    "CustomerAdmin",
    "SupportPackageAdmin",
]
