"""Log in, log out, password change and reset: Django's views with the portal's rules.

* A lock-out (django-axes: too many failed logins for the account or from the address) gets
  one page, the same whether or not the account exists (``lockout_response``).
* A reset request is limited per address and per client address and hour; the page answers
  the same in every case, and the mail (if any) is looked up and sent by a task after commit.
* Reset links stop working when the account or its customer is deactivated.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.backends import customer_allows_login
from accounts.forms import PortalPasswordResetForm
from accounts.ratelimit import rate_limit_allow
from accounts.tasks import password_reset_dispatch
from accounts.tokens import portal_token_generator
from audit.models import AuditAction
from audit.services import audit_record
from portal.client_ip import client_ip


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the same page for any username, existing or not."""
    minutes = lockout_minutes()
    message = ngettext(
        "Too many failed attempts to log in. For your security, logging in with this account "
        "or from your network is paused for %(minutes)d minute. Try again after that; if you "
        "have forgotten your password, reset it.",
        "Too many failed attempts to log in. For your security, logging in with this account "
        "or from your network is paused for %(minutes)d minutes. Try again after that; if you "
        "have forgotten your password, reset it.",
        minutes,
    ) % {"minutes": minutes}
    return render(
        request,
        "registration/locked_out.html",
        {"message": message},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip()
        if not rate_limit_allow(
            "reset-client",
            client_ip(self.request) or "unknown",
            limit=settings.PORTAL_RESETS_PER_CLIENT_HOUR,
        ):
            form.add_error(
                None,
                _(
                    "Too many password reset requests came from your network "
                    "in the last hour. Try again later."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        audit_record(
            actor=None,
            action=AuditAction.PASSWORD_RESET_ASKED,
            target=email.lower(),
            request=self.request,
        )
        if rate_limit_allow("mail", email, limit=settings.PORTAL_MAILS_PER_ADDRESS_HOUR):
            language = get_language()
            transaction.on_commit(lambda: password_reset_dispatch(email, language))
        return super(auth_views.PasswordResetView, self).form_valid(form)


class _AuditedPasswordForm:
    """A password set through the form is written to the audit log."""

    how = ""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=form.user,
            action=AuditAction.PASSWORD_CHANGED,
            target=form.user,
            request=self.request,
            how=self.how,
        )
        return response


class PortalPasswordResetConfirmView(_AuditedPasswordForm, auth_views.PasswordResetConfirmView):
    token_generator = portal_token_generator
    how = "reset link"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is not None and not (user.is_active and customer_allows_login(user)):
            return None
        return user


class PortalPasswordChangeView(_AuditedPasswordForm, auth_views.PasswordChangeView):
    how = "changed while logged in"
