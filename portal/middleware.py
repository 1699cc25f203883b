"""Per-request viewer settings: times in the viewer's zone (a contact sees their contract's,
staff the portal's), and a contact's language remembered for the mail the portal sends them."""

import zoneinfo

from django.conf import settings
from django.utils import timezone

from packages.roles import contact_of
from packages.selectors import contract_in_force
from packages.services import contact_remember_language


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


class ContactLanguageMiddleware:
    """Remember the language of a contact's request (after LocaleMiddleware chose it).

    Users have no language preference of their own; the language they last read the portal in
    is the best guess for mails sent while they are away (tickets.services.notifications).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", "")
        if user is not None and user.is_authenticated and language:
            contact = contact_of(user)
            if contact is not None:
                contact_remember_language(contact=contact, language=language)
        return self.get_response(request)
