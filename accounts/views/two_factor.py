"""Two-factor pages: enter a code, set up an authenticator app (QR code), recovery codes,
turn it off where it is optional. Logic lives in accounts.two_factor."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import CodeForm
from accounts.middleware import TWO_FACTOR_ON, session_two_factor_on
from accounts.two_factor import (
    recovery_codes_create,
    recovery_codes_left,
    secret_base32,
    two_factor_begin,
    two_factor_confirm,
    two_factor_disable,
    two_factor_enabled,
    two_factor_required,
    two_factor_verify,
)
from tickets.forms.customer import add_service_errors

SETUP_DEVICE = "accounts_setup_device"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
@login_required
def verify(request):
    """The second step of logging in."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not two_factor_enabled(request.user):  # removed meanwhile (e.g. by an administrator)
        request.session[TWO_FACTOR_ON] = False
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_verify(user=request.user, token=form.cleaned_data["token"], request=request):
            request.session[TWO_FACTOR_ON] = True
            return redirect(_next(request))
        form.add_error(
            "token",
            _(
                "That code is not right. Enter the code your app shows now, "
                "or an unused recovery code. After several wrong codes you "
                "must wait a little before the next try."
            ),
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - our own SVG


def _show_codes(request, codes: list[str], *, first: bool):
    response = render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "first": first,
            "next": _next(request),
        },
    )
    return response


@never_cache
@login_required
def setup(request):
    """Set up (or replace) the authenticator app: scan the QR code, type the first code."""
    if session_two_factor_on(request) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
    form = CodeForm(request.POST or None, help_text=_("The six digits the app shows now."))
    device = None
    if request.method == "POST":
        device_id = request.session.get(SETUP_DEVICE)
        if form.is_valid() and device_id:
            try:
                codes = two_factor_confirm(
                    user=request.user,
                    device_id=device_id,
                    token=form.cleaned_data["token"],
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session.pop(SETUP_DEVICE, None)
                request.session[TWO_FACTOR_ON] = True
                return _show_codes(request, codes, first=True)
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
    if device is None:
        device = two_factor_begin(user=request.user)
        request.session[SETUP_DEVICE] = device.pk
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": secret_base32(device),
            "required": two_factor_required(request.user),
            "next": _next(request),
        },
    )


@never_cache
@login_required
def manage(request):
    """The account's two-factor status and what can be done with it."""
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": two_factor_enabled(request.user),
            "required": two_factor_required(request.user),
            "codes_left": recovery_codes_left(request.user),
            "disable_form": CodeForm(help_text=_("A current code from your app, to confirm.")),
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not two_factor_enabled(request.user):
        return redirect("two_factor")
    return _show_codes(
        request, recovery_codes_create(user=request.user, request=request), first=False
    )


@login_required
@require_POST
def disable(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor_disable(user=request.user, token=form.cleaned_data["token"], request=request)
        except PermissionDenied:
            messages.error(
                request,
                _("Two-factor login is required for your account: it cannot be turned off."),
            )
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            request.session[TWO_FACTOR_ON] = False
            messages.success(request, _("Two-factor login is off."))
    else:
        messages.error(request, _("Enter a current code from your app to turn it off."))
    return redirect("two_factor")
