"""Invitations: a customer admin invites a colleague; the account exists once they accept.

What an inviter learns is the same whatever the address: "X is invited", a row in the list of
invitations, "sent again" when they resend. Behind that:

* a fresh address gets the mail with a link (after commit, through the outbox);
* an address that already has an account anywhere (a contact of another organisation, staff,
  the superuser) gets **no mail** and its account is **not touched**: nobody is told anything,
  the invitation can never be accepted and simply expires. (To move a person between
  organisations, a manager changes their contact row in the admin.) The audit log, which only
  managers read, records that the address was in use;
* an address of the inviter's own organisation (a contact, or an open invitation) is refused
  with a clear message: the inviter sees those in their list anyway.

Mails are limited per recipient address (``PORTAL_MAILS_PER_ADDRESS_HOUR``) and invitations per
organisation (``PORTAL_INVITATIONS_PER_CUSTOMER_HOUR``), both counted whether or not a mail
goes, so the limits reveal nothing either.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.ratelimit import rate_limit_allow
from audit.models import AuditAction
from audit.services import audit_record
from packages.models import Contact, Customer, Invitation
from packages.services import (
    contact_create,
    email_in_use,
    email_normalize,
    require_customer_admin,
)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def invitation_link(key: str) -> str:
    path = reverse("invitation_accept", kwargs={"key": key})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _check_limits(*, customer: Customer, email: str, new: bool) -> None:
    if new and not rate_limit_allow(
        "invitations", str(customer.pk), limit=settings.PORTAL_INVITATIONS_PER_CUSTOMER_HOUR
    ):
        limit = settings.PORTAL_INVITATIONS_PER_CUSTOMER_HOUR
        raise ValidationError(
            ngettext(
                "Your organisation can send %(limit)d invitation an hour, and this hour's is "
                "used: invite more later.",
                "Your organisation can send %(limit)d invitations an hour, and this hour's are "
                "used: invite more later.",
                limit,
            )
            % {"limit": limit}
        )
    if not rate_limit_allow("mail", email, limit=settings.PORTAL_MAILS_PER_ADDRESS_HOUR):
        raise ValidationError(
            {
                "email": _(
                    "An invitation went to %(email)s a moment ago: wait an hour before "
                    "sending another."
                )
                % {"email": email}
            }
        )


def _send(invitation: Invitation, *, now: datetime) -> bool:
    """A new link, and the mail with it unless the address has an account (see above)."""
    from tickets.services.outbox import outbox_enqueue  # local: tickets depends on packages

    key = secrets.token_urlsafe(32)
    invitation.key_hash, invitation.sent_at = _key_hash(key), now
    invitation.save(update_fields=["key_hash", "sent_at"])
    if email_in_use(invitation.email):
        return False
    inviter = invitation.invited_by
    body = render_to_string(
        "packages/invite_email.txt",
        {
            "invitation": invitation,
            "customer": invitation.customer,
            "invited_by": inviter,
            "link": invitation_link(key),
            "days": settings.PORTAL_INVITATION_DAYS,
        },
    )
    outbox_enqueue(
        recipients=[invitation.email],
        subject=_("You are invited to the support portal of %(customer)s")
        % {"customer": invitation.customer.name},
        body=body,
    )
    return True


@transaction.atomic
def contact_invite(
    *,
    customer: Customer,
    invited_by: Contact,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_customer_admin: bool = False,
    now: datetime,
    request=None,
) -> Invitation:
    """Invite someone to the customer's contacts (see the module's docstring)."""
    require_customer_admin(invited_by, customer.pk)
    email = email_normalize(email)
    if Contact.objects.filter(customer=customer, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already one of your contacts.") % {"email": email}}
        )
    if customer.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, cancelled_at__isnull=True
    ).exists():
        raise ValidationError(
            {
                "email": _(
                    "%(email)s is invited already: use “Send again” in the list of invitations."
                )
                % {"email": email}
            }
        )
    _check_limits(customer=customer, email=email, new=True)
    invitation = Invitation.objects.create(
        customer=customer,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_customer_admin=is_customer_admin,
        invited_by=invited_by,
        created_at=now,
        sent_at=now,
    )
    mailed = _send(invitation, now=now)
    audit_record(
        actor=invited_by.user,
        action=AuditAction.INVITATION_SENT,
        target=invitation,
        request=request,
        customer=customer.name,
        email=email,
        customer_admin=is_customer_admin,
        **({} if mailed else {"mail": "not sent: the address has an account"}),
    )
    return invitation


def _open_invitation(invitation: Invitation, by: Contact) -> Invitation:
    require_customer_admin(by, invitation.customer_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(
            _("This invitation was accepted already.")
            if invitation.accepted_at
            else _("This invitation was cancelled.")
        )
    return invitation


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation, by: Contact, now: datetime, request=None
) -> Invitation:
    """A new link (the old one stops working), e.g. after the first one expired."""
    invitation = _open_invitation(invitation, by)
    _check_limits(customer=invitation.customer, email=invitation.email, new=False)
    mailed = _send(invitation, now=now)
    audit_record(
        actor=by.user,
        action=AuditAction.INVITATION_RESENT,
        target=invitation,
        request=request,
        email=invitation.email,
        **({} if mailed else {"mail": "not sent: the address has an account"}),
    )
    return invitation


@transaction.atomic
def invitation_cancel(
    *, invitation: Invitation, by: Contact, now: datetime, request=None
) -> Invitation:
    """The link stops working at once."""
    invitation = _open_invitation(invitation, by)
    invitation.cancelled_at, invitation.key_hash = now, ""
    invitation.save(update_fields=["cancelled_at", "key_hash"])
    audit_record(
        actor=by.user,
        action=AuditAction.INVITATION_CANCELLED,
        target=invitation,
        request=request,
        email=invitation.email,
    )
    return invitation


def invitation_for_key(key: str, *, now: datetime) -> Invitation | None:
    """The open, unexpired invitation a link names, of an active customer, for an address
    still free; None for anything else (the page says the link is not valid)."""
    if not key or len(key) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("customer", "invited_by__user")
        .filter(key_hash=_key_hash(key), accepted_at__isnull=True, cancelled_at__isnull=True)
        .first()
    )
    if (
        invitation is None
        or invitation.has_expired(now)
        or not invitation.customer.is_active
        or email_in_use(invitation.email)
    ):
        return None
    return invitation


def invitation_check_password(invitation: Invitation, password: str) -> None:
    """The password validators, judged against the person the account will be."""
    probe = get_user_model()(
        username=invitation.email,
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
    )
    validate_password(password, user=probe)


@transaction.atomic
def invitation_accept(*, key: str, password: str, now: datetime, request=None) -> Contact:
    """Create the account and the contact with the chosen password; the link is used up."""
    found = invitation_for_key(key, now=now)
    if found is None:
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.key_hash != found.key_hash or not invitation.is_open:
        raise PermissionDenied
    invitation_check_password(invitation, password)
    contact = contact_create(
        customer=invitation.customer,
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        is_customer_admin=invitation.is_customer_admin,
        password=password,
    )
    invitation.accepted_at, invitation.contact, invitation.key_hash = now, contact, ""
    invitation.save(update_fields=["accepted_at", "contact", "key_hash"])
    audit_record(
        actor=contact.user,
        action=AuditAction.INVITATION_ACCEPTED,
        target=invitation,
        request=request,
        customer=invitation.customer.name,
    )
    return contact
