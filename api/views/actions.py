"""Status actions, one endpoint each, per role; each calls the service the page calls.

Contacts: withdraw, close, reopen. Staff: take, assign, status, resolve, withdraw (duplicate
or spam), priority (with workaround), reclassify, component, reopen. Managers: extend. A role
that may not do an action on a ticket it sees gets 403; another organisation's ticket 404.
Each answers with the ticket as it is afterwards.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.selectors.tickets import api_ticket_detail
from api.serializers import inputs
from api.serializers.tickets import TicketDetailSerializer
from api.views.base import TicketView
from packages.roles import Role, role_of
from tickets.models import WithdrawReason
from tickets.selectors.access import ticket_for_user
from tickets.services import ending, workflow


def _withdraw(request, ticket, data, now):
    default = WithdrawReason.NOT_NEEDED if role_of(request.user) == Role.CONTACT else None
    return ending.ticket_withdraw(
        ticket=ticket,
        by=request.user,
        reason=data.get("reason") or default or "",
        duplicate_of=data.get("duplicate_of"),
        now=now,
    )


ACTIONS = {
    # name: (input serializer or None, the service call, who, what it does)
    "take": (
        None,
        lambda r, t, d, now: workflow.ticket_take(ticket=t, by=r.user, now=now),
        _("Staff: take the ticket."),
    ),
    "assign": (
        inputs.AssignSerializer,
        lambda r, t, d, now: workflow.ticket_assign(
            ticket=t, engineer=d["assignee"], by=r.user, now=now
        ),
        _("Staff: give the ticket to an engineer."),
    ),
    "status": (
        inputs.StatusSerializer,
        lambda r, t, d, now: workflow.ticket_status_change(
            ticket=t, status=d["status"], by=r.user, now=now
        ),
        _("Staff: new, in progress or waiting for customer (waiting pauses the resolution clock)."),
    ),
    "resolve": (
        inputs.ResolveSerializer,
        lambda r, t, d, now: ending.ticket_resolve(
            ticket=t,
            by=r.user,
            root_cause=d["root_cause"],
            time_spent=timedelta(minutes=d["time_spent_minutes"]),
            message=d["message"],
            now=now,
        ),
        _(
            "Staff: resolve with the root cause, the time spent and the message to the "
            "customer (anything but a product defect is billable)."
        ),
    ),
    "withdraw": (
        inputs.WithdrawSerializer,
        _withdraw,
        _(
            "Contacts: the ticket is no longer needed. Staff: a duplicate (of the same "
            "customer's ticket) or spam."
        ),
    ),
    "close": (
        None,
        lambda r, t, d, now: ending.ticket_close(ticket=t, by=r.user, now=now),
        _("Contacts: confirm the resolution; the ticket closes."),
    ),
    "reopen": (
        None,
        lambda r, t, d, now: ending.ticket_reopen(ticket=t, by=r.user, now=now),
        _("Reopen a resolved ticket within the reopen window; its clock resumes."),
    ),
    "priority": (
        inputs.PrioritySerializer,
        lambda r, t, d, now: workflow.ticket_priority_change(
            ticket=t, priority=d["priority"], workaround=d["workaround"], by=r.user, now=now
        ),
        _(
            "Staff: change an incident's priority; lowering 1 or 2 with workaround starts a "
            "new resolution clock."
        ),
    ),
    "reclassify": (
        inputs.ReclassifySerializer,
        lambda r, t, d, now: workflow.ticket_reclassify(
            ticket=t,
            ticket_type=d["ticket_type"],
            priority=d.get("priority"),
            by=r.user,
            now=now,
        ),
        _("Staff: change the type (the clock keeps its start, with the new target)."),
    ),
    "component": (
        inputs.ComponentChangeSerializer,
        lambda r, t, d, now: workflow.ticket_component_change(
            ticket=t, component=d["component"], by=r.user, now=now
        ),
        _("Staff: change the affected component."),
    ),
    "extend": (
        inputs.ExtendSerializer,
        lambda r, t, d, now: workflow.ticket_sla_extend(
            ticket=t, reason=d["reason"], by=r.user, now=now
        ),
        _(
            "Managers: extend the resolution target (20 h incidents, 100 h others), with the "
            "reason."
        ),
    ),
}


class ActionView(TicketView):
    api_errors = (400, 401, 403, 404, 429)
    action_name = ""

    def post(self, request, pk: int):
        ticket = self.ticket()
        form_class, call, _text = ACTIONS[self.action_name]
        data = {}
        if form_class is not None:
            form = form_class(data=request.data)
            form.is_valid(raise_exception=True)
            data = form.validated_data
        call(request, ticket, data, None)  # None: the service reads the clock under its lock
        fresh = ticket_for_user(request.user, ticket.pk)
        ticket = api_ticket_detail(user=request.user, ticket=fresh, now=timezone.now())
        return Response(TicketDetailSerializer(ticket, context={"request": request}).data)


def action_view(name: str):
    form_class, _call, text = ACTIONS[name]

    def post(self, request, pk: int):
        return ActionView.post(self, request, pk)

    schema = extend_schema(
        operation_id=f"tickets_{name}",
        request=form_class,
        responses=TicketDetailSerializer,
        description=text,
        tags=["actions"],
    )
    attrs = {"action_name": name, "post": schema(post)}
    return type(f"{name.title()}ActionView", (ActionView,), attrs).as_view()
