"""Quota use for the API: a contact's organisation, or (managers) the dashboard's table."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from packages.roles import contact_of, is_manager
from packages.selectors import contract_in_force
from tickets.selectors.dashboard import Period, quota_usage, staff_zone
from tickets.selectors.quota import quota_status


def api_quota_use(*, user, now: datetime) -> list[dict]:
    contact = contact_of(user)
    if contact is not None:
        contract = contract_in_force(customer=contact.customer_id, at=now)
        if contract is None:
            return []
        status = quota_status(contract=contract, now=now)
        return [
            {
                "customer": contract.customer,
                "contract": contract.number,
                "month": status.month,
                "limit": status.limit,
                "used": None if status.unlimited else status.used,
                "remaining": status.remaining,
                "exhausted": status.exhausted,
            }
        ]
    if not is_manager(user):
        return []
    month = now.astimezone(staff_zone()).date().replace(day=1)
    rows = quota_usage(Period(first=month, last=month, now=now))
    return [
        {
            "customer": SimpleNamespace(pk=row.customer_id, name=row.customer),
            "contract": row.contract,
            "month": month,
            "limit": row.limit,
            "used": row.used,
            "remaining": row.remaining,
            "exhausted": row.used >= row.limit,
        }
        for row in rows
    ]
