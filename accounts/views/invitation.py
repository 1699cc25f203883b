"""Accepting an invitation: the invited person chooses a password and the account exists."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.forms import InvitationPasswordForm
from packages.invitations import invitation_accept, invitation_for_key


@never_cache
def accept(request, key: str):
    now = timezone.now()
    invitation = invitation_for_key(key, now=now)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(
                key=key, password=form.cleaned_data["password1"], now=now, request=request
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        except PermissionDenied:
            return render(request, "accounts/invitation_invalid.html", status=404)
        else:
            messages.success(
                request,
                _(
                    "Your account is ready: log in with your e-mail "
                    "address and the password you chose."
                ),
            )
            return redirect("login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "form": form,
            "invitation": invitation,
        },
    )
