"""The portal's web hook pages: customer admins (their organisation) and managers (all).

List and register, change or delete a hook, read its delivery log and send a delivery
again. Anyone else gets a 404, and so does another organisation's hook or delivery. A new
hook's signing secret is shown once, in the answer to the POST that made it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from packages.roles import is_manager
from webhooks.forms import WebHookForm
from webhooks.selectors import (
    can_manage_hooks,
    delivery_for_user,
    hook_deliveries,
    hook_for_user,
    hook_list,
)
from webhooks.services.delivery import delivery_resend
from webhooks.services.hooks import webhook_create, webhook_delete, webhook_update

LOG_PAGE = 25


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in (
        exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    ).items():
        form.add_error(field if field in form.fields else None, errors)


@never_cache
@login_required
def hooks(request):
    """The hooks one may manage, and the form to register another."""
    items = hook_list(request.user)
    manager = is_manager(request.user)
    form = WebHookForm(request.POST or None, for_manager=manager)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hook, secret = webhook_create(
                by=request.user,
                url=data["url"],
                events=data["events"],
                description=data["description"],
                customer=data.get("customer"),
                now=timezone.now(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            created = {"hook": hook, "secret": secret}
            form = WebHookForm(for_manager=manager)
    status = 400 if form.errors else 200
    return render(
        request,
        "webhooks/list.html",
        {"hooks": items, "form": form, "created": created, "manager": manager},
        status=status,
    )


@login_required
def detail(request, pk: int):
    """Change the hook; its delivery log with "send again"."""
    hook = hook_for_user(request.user, pk)
    manager = is_manager(request.user)
    initial = {
        "url": hook.url,
        "description": hook.description,
        "events": hook.events,
        "customer": hook.customer_id,
        "is_active": hook.is_active,
    }
    form = WebHookForm(
        request.POST or None,
        initial=initial,
        for_manager=manager and hook.for_staff,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webhook_update(
                hook=hook,
                by=request.user,
                url=data["url"],
                events=data["events"],
                description=data["description"],
                is_active=data["is_active"],
                customer=data.get("customer"),
                now=timezone.now(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The web hook is saved."))
            return redirect("webhooks:detail", pk=hook.pk)
    log = Paginator(hook_deliveries(hook), LOG_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/detail.html",
        {"hook": hook, "form": form, "log": log, "page": log},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def delete(request, pk: int):
    hook = hook_for_user(request.user, pk)
    webhook_delete(hook=hook, by=request.user)
    messages.success(request, _("The web hook to %(url)s is deleted.") % {"url": hook.url})
    return redirect("webhooks:list")


@login_required
@require_POST
def resend(request, pk: int):
    """Send one delivery again (the same event id and payload)."""
    if not can_manage_hooks(request.user):
        raise Http404
    delivery = delivery_for_user(request.user, pk)
    try:
        delivery_resend(delivery=delivery, by=request.user, now=timezone.now())
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("It will be sent again in a moment."))
    return redirect("webhooks:detail", pk=delivery.hook_id)


app_name = "webhooks"
urlpatterns = [
    path("", hooks, name="list"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/delete/", delete, name="delete"),
    path("deliveries/<int:pk>/resend/", resend, name="resend"),
]
