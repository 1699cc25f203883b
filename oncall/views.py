"""Staff pages: the rota (managers edit, engineers read), a person's unread events and their
notification preferences. Thin: a form, one service or selector, a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from oncall.forms import ChangeForm, PreferencesForm, ShiftForm
from oncall.models import RotaChange, RotaShift
from oncall.selectors import events_of, on_duty_ids, preferences_of, rota_rows, staff_users
from oncall.services import notify, preferences
from oncall.services import rota as rota_services
from packages.roles import is_manager
from tickets.forms.customer import add_service_errors
from tickets.views.staff import manager_required, staff_required

EVENTS_PAGE = 50


def _rota_page(request, *, shift_form=None, change_form=None, status=200):
    now = timezone.now()
    on_duty = on_duty_ids(now)
    context = {
        **rota_rows(now=now),
        "on_duty_now": staff_users().filter(pk__in=on_duty).order_by("first_name", "username"),
        "can_edit": is_manager(request.user),
        "shift_form": shift_form or ShiftForm(),
        "change_form": change_form or ChangeForm(),
        "zone": timezone.get_current_timezone_name(),
    }
    return render(request, "oncall/rota.html", context, status=status)


@staff_required
def rota(request):
    return _rota_page(request)


def _rota_add(request, form_class, service, done: str, form_name: str):
    """Validate the form, call the service; a refusal re-renders the rota with the errors."""
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("oncall:rota")
    return _rota_page(request, **{form_name: form}, status=400)


@require_POST
@staff_required
@manager_required
def shift_add(request):
    return _rota_add(
        request, ShiftForm, rota_services.rota_shift_add, _("The shift is on the rota."),
        "shift_form",
    )


@require_POST
@staff_required
@manager_required
def shift_delete(request, pk: int):
    rota_services.rota_shift_delete(by=request.user, shift=get_object_or_404(RotaShift, pk=pk))
    messages.success(request, _("The shift is removed from the rota."))
    return redirect("oncall:rota")


@require_POST
@staff_required
@manager_required
def change_add(request):
    return _rota_add(
        request, ChangeForm, rota_services.rota_change_add,
        _("The one-off change is on the rota."), "change_form",
    )


@require_POST
@staff_required
@manager_required
def change_delete(request, pk: int):
    rota_services.rota_change_delete(
        by=request.user, change=get_object_or_404(RotaChange, pk=pk)
    )
    messages.success(request, _("The one-off change is removed."))
    return redirect("oncall:rota")


@staff_required
def events(request):
    page = Paginator(events_of(request.user), EVENTS_PAGE).get_page(request.GET.get("page"))
    return render(request, "oncall/events.html", {"page": page})


@require_POST
@staff_required
def event_read(request, pk: int):
    notify.events_mark_read(user=request.user, now=timezone.now(), pk=pk)
    return redirect("oncall:events")


@require_POST
@staff_required
def events_read_all(request):
    count = notify.events_mark_read(user=request.user, now=timezone.now())
    messages.success(
        request,
        ngettext("%(count)d event marked read.", "%(count)d events marked read.", count)
        % {"count": count},
    )
    return redirect("oncall:events")


@staff_required
def preferences_edit(request):
    form = PreferencesForm(request.POST or None, current=preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        preferences.preferences_save(user=request.user, email=form.choices())
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("oncall:preferences")
    return render(request, "oncall/preferences.html", {"form": form})
