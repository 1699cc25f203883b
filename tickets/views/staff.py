"""Support engineers and managers: the queue and the ticket workspace.

Thin adapters: a view checks the role (contacts and strangers get a 404), validates a form and
calls one service or selector. Every action is POST only and redirects back to the workspace;
a refused action re-renders the workspace with the bound form and its errors.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from packages.roles import is_manager, is_support_staff
from tickets.forms.staff import (
    AssignForm,
    ComponentForm,
    ExtendForm,
    PriorityForm,
    QueueFilterForm,
    ReclassifyForm,
    ReplyForm,
    ResolveForm,
    StatusForm,
    WithdrawForm,
    add_service_errors,
)
from tickets.models import TicketStatus
from tickets.selectors.access import ticket_for_user
from tickets.selectors.queue import queue_page
from tickets.selectors.workspace import ticket_workspace
from tickets.services import ending, workflow
from tickets.services.status import can_reopen, reopen_deadline


def staff_required(view):
    """Logged-in support staff only; anyone else logged in gets a 404 (pages are not revealed)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_support_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_manager(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def queue(request):
    """Every open ticket of every customer, nearest due first, with filters and search (the
    status filter and a search for #123 reach ended tickets too)."""
    form = QueueFilterForm(request.GET or None)
    filters = form.filters()
    page = queue_page(
        user=request.user,
        filters=filters,
        page=request.GET.get("page"),
        now=timezone.now(),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tickets/staff/queue.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "query": query.urlencode(),
            "open_queue": not filters.get("status"),
            # Small screens fold the filters away unless some are in use or refused.
            "filters_open": bool(form.errors) or any(v for v in query.values()),
        },
    )


FORMS = {
    "assign_form": AssignForm,
    "reply_form": ReplyForm,
    "status_form": StatusForm,
    "priority_form": PriorityForm,
    "reclassify_form": ReclassifyForm,
    "component_form": ComponentForm,
    "extend_form": ExtendForm,
    "resolve_form": ResolveForm,
    "withdraw_form": WithdrawForm,
}


def _workspace_response(request, pk, *, bound: dict | None = None, status: int = 200):
    data = ticket_workspace(user=request.user, pk=pk, now=timezone.now())
    ticket = data.ticket
    initial = {
        "assign_form": {"assignee": ticket.assignee_id},
        "status_form": {"status": ticket.status},
        "priority_form": {"priority": ticket.priority},
        "reclassify_form": {"ticket_type": ticket.ticket_type, "priority": ticket.priority},
        "component_form": {"component": ticket.component_id},
    }
    forms = {name: cls(initial=initial.get(name)) for name, cls in FORMS.items()}
    forms.update(bound or {})
    now = timezone.now()
    return render(
        request,
        "tickets/staff/workspace.html",
        {
            "ws": data,
            "ticket": ticket,
            "can_extend": is_manager(request.user),
            "can_reopen": can_reopen(ticket, now=now),
            "reopen_until": reopen_deadline(ticket),
            "statuses": TicketStatus,
            **forms,
        },
        status=status,
    )


@staff_required
def workspace(request, pk: int):
    return _workspace_response(request, pk)


def _action(form_name: str, success: str):
    """Validate the posted form, call the service, redirect; re-render on any refusal."""

    def decorator(call):
        @staff_required
        @require_POST
        @functools.wraps(call)
        def view(request, pk: int):
            ticket = ticket_for_user(request.user, pk)
            form = FORMS[form_name](request.POST, request.FILES)
            if form.is_valid():
                try:
                    call(request, ticket, form)
                except PermissionDenied:
                    raise Http404 from None
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, success)
                    return redirect("tickets:workspace", pk=ticket.pk)
            return _workspace_response(request, pk, bound={form_name: form}, status=400)

        return view

    return decorator


@staff_required
@require_POST
def take(request, pk: int):
    ticket = ticket_for_user(request.user, pk)
    workflow.ticket_take(ticket=ticket, by=request.user)
    messages.success(request, _("The ticket is yours."))
    return redirect("tickets:workspace", pk=ticket.pk)


@_action("assign_form", _("Assigned."))
def assign(request, ticket, form):
    workflow.ticket_assign(
        ticket=ticket, engineer=form.cleaned_data["assignee"], by=request.user
    )


@_action("reply_form", _("Saved."))
def reply(request, ticket, form):
    workflow.ticket_reply(
        ticket=ticket,
        by=request.user,
        body=form.cleaned_data["body"],
        internal=form.cleaned_data["internal"],
        attachments=form.cleaned_data["attachments"],
    )


@_action("status_form", _("Status changed."))
def status(request, ticket, form):
    workflow.ticket_status_change(
        ticket=ticket, status=form.cleaned_data["status"], by=request.user
    )


@_action("resolve_form", _("Resolved: the customer has your message."))
def resolve(request, ticket, form):
    ending.ticket_resolve(
        ticket=ticket,
        by=request.user,
        root_cause=form.cleaned_data["root_cause"],
        time_spent=form.time_spent,
        message=form.cleaned_data["message"],
    )


@_action("withdraw_form", _("Withdrawn."))
def withdraw(request, ticket, form):
    ending.ticket_withdraw(
        ticket=ticket,
        by=request.user,
        reason=form.cleaned_data["reason"],
        duplicate_of=form.cleaned_data["duplicate_of"],
    )


@staff_required
@require_POST
def reopen(request, pk: int):
    """Reopen a resolved ticket within the window; a refusal says why, on the workspace."""
    ticket = ticket_for_user(request.user, pk)
    try:
        ending.ticket_reopen(ticket=ticket, by=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Reopened: the resolution clock runs again."))
    return redirect("tickets:workspace", pk=ticket.pk)


@_action("priority_form", _("Priority changed."))
def priority(request, ticket, form):
    workflow.ticket_priority_change(
        ticket=ticket,
        priority=form.cleaned_data["priority"],
        workaround=form.cleaned_data["workaround"],
        by=request.user,
    )


@_action("reclassify_form", _("Type changed."))
def reclassify(request, ticket, form):
    workflow.ticket_reclassify(
        ticket=ticket,
        ticket_type=form.cleaned_data["ticket_type"],
        priority=form.cleaned_data["priority"],
        by=request.user,
    )


@_action("component_form", _("Component changed."))
def component(request, ticket, form):
    workflow.ticket_component_change(
        ticket=ticket,
        component=form.cleaned_data["component"],
        by=request.user,
    )


@_action("extend_form", _("SLA extended."))
def _extend(request, ticket, form):
    workflow.ticket_sla_extend(
        ticket=ticket,
        reason=form.cleaned_data["reason"],
        by=request.user,
    )


extend = manager_required(_extend)

urlpatterns = [
    path("queue/", queue, name="queue"),
    path("queue/<int:pk>/", workspace, name="workspace"),
    path("queue/<int:pk>/take/", take, name="take"),
    path("queue/<int:pk>/assign/", assign, name="assign"),
    path("queue/<int:pk>/reply/", reply, name="reply"),
    path("queue/<int:pk>/status/", status, name="status"),
    path("queue/<int:pk>/resolve/", resolve, name="resolve"),
    path("queue/<int:pk>/withdraw/", withdraw, name="staff_withdraw"),
    path("queue/<int:pk>/reopen/", reopen, name="staff_reopen"),
    path("queue/<int:pk>/priority/", priority, name="priority"),
    path("queue/<int:pk>/reclassify/", reclassify, name="reclassify"),
    path("queue/<int:pk>/component/", component, name="component"),
    path("queue/<int:pk>/extend/", extend, name="extend"),
]
