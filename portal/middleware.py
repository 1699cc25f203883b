"""Show times in the viewer's zone: a contact sees their contract's, staff the portal's."""

import zoneinfo

from django.conf import settings
from django.utils import timezone

from packages.roles import contact_of
from packages.selectors import contract_in_force


class ViewerTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(zoneinfo.ZoneInfo(self.zone_for(request)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def zone_for(request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            contact = contact_of(user)
            if contact is not None:
                contract = contract_in_force(customer=contact.customer_id, at=timezone.now())
                if contract is not None:
                    return contract.time_zone
        return settings.PORTAL_STAFF_TIME_ZONE
