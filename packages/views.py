"""Customer admins manage their organisation's contacts: list, invite (send again, cancel),
deactivate, reactivate.

Only a customer admin reaches these pages (anyone else: 404), and only for their own
organisation's contacts and invitations (another organisation's: 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from packages.forms import ContactInviteForm
from packages.invitations import contact_invite, invitation_cancel, invitation_resend
from packages.roles import contact_of
from packages.selectors import contacts_of, invitations_of
from packages.services import contact_set_active
from tickets.forms.customer import add_service_errors


def _admin_or_404(request):
    contact = contact_of(request.user)
    if contact is None or not contact.is_customer_admin:
        raise Http404
    return contact


@login_required
def contact_list(request):
    admin = _admin_or_404(request)
    return render(
        request,
        "packages/contact_list.html",
        {
            "admin": admin,
            "contacts": contacts_of(customer=admin.customer),
            "invitations": invitations_of(customer=admin.customer),
            "now": timezone.now(),
        },
    )


@login_required
def contact_invite_view(request):
    admin = _admin_or_404(request)
    form = ContactInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = contact_invite(
                customer=admin.customer, invited_by=admin, now=timezone.now(), request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("%(email)s is invited: they will receive a link to set their password.")
                % {"email": invitation.email},
            )
            return redirect("contacts:list")
    return render(request, "packages/contact_invite.html", {"form": form, "admin": admin})


def _refusals(request, call) -> bool:
    """Run a service; a refusal becomes a message, another organisation's object a 404."""
    try:
        call()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return False
    except PermissionDenied:
        raise Http404 from None
    return True


def _set_active(request, pk: int, *, active: bool):
    admin = _admin_or_404(request)
    contact = get_object_or_404(contacts_of(customer=admin.customer), pk=pk)
    if _refusals(request, lambda: contact_set_active(
        contact=contact, active=active, by=admin, request=request
    )):
        name = contact.user.get_full_name() or contact.user.email
        messages.success(
            request,
            (_("%(name)s can log in again.") if active else _("%(name)s can no longer log in."))
            % {"name": name},
        )
    return redirect("contacts:list")


@login_required
@require_POST
def contact_deactivate(request, pk: int):
    return _set_active(request, pk, active=False)


@login_required
@require_POST
def contact_reactivate(request, pk: int):
    return _set_active(request, pk, active=True)


def _invitation_action(request, pk: int, service, done: str):
    """POST "send again" or "cancel" on one of the organisation's open invitations."""
    admin = _admin_or_404(request)
    invitation = get_object_or_404(invitations_of(customer=admin.customer), pk=pk)
    if _refusals(request, lambda: service(
        invitation=invitation, by=admin, now=timezone.now(), request=request
    )):
        messages.success(request, done % {"email": invitation.email})
    return redirect("contacts:list")


@login_required
@require_POST
def invitation_resend_view(request, pk: int):
    return _invitation_action(
        request, pk, invitation_resend,
        _("The invitation to %(email)s is sent again with a new link."),
    )


@login_required
@require_POST
def invitation_cancel_view(request, pk: int):
    return _invitation_action(
        request, pk, invitation_cancel,
        _("The invitation to %(email)s is cancelled: its link no longer works."),
    )


app_name = "contacts"
urlpatterns = [
    path("", contact_list, name="list"),
    path("invite/", contact_invite_view, name="invite"),
    path("<int:pk>/deactivate/", contact_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", contact_reactivate, name="reactivate"),
    path("invitations/<int:pk>/resend/", invitation_resend_view, name="invitation_resend"),
    path("invitations/<int:pk>/cancel/", invitation_cancel_view, name="invitation_cancel"),
]
