"""Customer contacts: file, list and follow their organisation's tickets.

Thin adapters: each view checks the role, validates a form and calls one service or selector.
Anything of another organisation is a 404 (tickets.selectors.access).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from packages.roles import contact_of, is_support_staff
from packages.selectors import contract_in_force
from search.selectors import MAX_LENGTH as SEARCH_MAX_LENGTH
from tickets.forms.customer import CommentForm, TicketFileForm, add_service_errors
from tickets.models import MessageKind, TicketStatus, WithdrawReason
from tickets.selectors.access import attachment_for_user, ticket_for_user
from tickets.selectors.customer import (
    LIST_STATES,
    annotate_badges,
    customer_filing_attachments,
    customer_history,
    customer_messages,
    customer_quota,
    customer_ticket_list,
)
from tickets.selectors.paging import LIST_CAP, SEARCH_CAP, CappedPaginator
from tickets.services.conversation import message_add
from tickets.services.downloads import attachment_download
from tickets.services.ending import ticket_close, ticket_reopen, ticket_withdraw
from tickets.services.filing import QuotaExhausted, ticket_file
from tickets.services.status import (
    can_reopen,
    follow_up_refusal,
    not_open_refusal,
    reopen_deadline,
)

PAGE_SIZE = 25


def _contact_or_404(request):
    contact = contact_of(request.user)
    if contact is None:
        raise Http404
    return contact


def _staff_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
def contact_list(request):
    """The organisation's tickets, open or closed, with due times and this month's quota."""
    if contact_of(request.user) is None and is_support_staff(request.user):
        queue = _staff_url("tickets:queue")
        if queue:
            return redirect(queue)
    contact = _contact_or_404(request)
    now = timezone.now()
    text = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    state = request.GET.get("state", "all" if text else "open")  # a search looks everywhere
    if state not in LIST_STATES:
        state = "open"
    tickets = customer_ticket_list(request.user, state=state, text=text)
    cap = SEARCH_CAP if text else LIST_CAP
    page = CappedPaginator(tickets, PAGE_SIZE, cap=cap).get_page(request.GET.get("page"))
    annotate_badges(page.object_list, now=now)
    return render(
        request,
        "tickets/customer/list.html",
        {
            "page": page,
            "state": state,
            "q": text,
            "list_query": urlencode({"state": state, "q": text} if text else {"state": state}),
            "states": [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))],
            "quota": customer_quota(customer_id=contact.customer_id, now=now),
            "now": now,
        },
    )


@login_required
def file(request):
    """File a ticket; past the quota, the same bound form comes back with billable / defer."""
    contact = _contact_or_404(request)
    now = timezone.now()
    contract = contract_in_force(customer=contact.customer_id, at=now)
    quota = customer_quota(customer_id=contact.customer_id, now=now)
    exhausted = bool(quota and quota.status.exhausted)
    form = TicketFileForm(
        request.POST or None,
        request.FILES or None,
        contract=contract,
        show_quota_choice=exhausted or bool(request.POST.get("quota_choice")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_file(
                contact=contact,
                ticket_type=data["ticket_type"],
                priority=data["priority"],
                component=data["component"],
                subject=data["subject"],
                description=data["description"],
                quota_choice=data["quota_choice"] or None,
                attachments=data["attachments"],
            )
        except QuotaExhausted as exc:
            form.show_quota_choice()
            form.add_error("quota_choice", exc.messages)
            if data["attachments"]:
                form.add_error(
                    "attachments",
                    _("Files cannot be kept when the form comes back: choose the files again."),
                )
            quota = customer_quota(customer_id=contact.customer_id, now=now)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if ticket.is_deferred:
                messages.info(
                    request,
                    _("%(ref)s is deferred to next month; it opens on the first of the month.")
                    % {"ref": ticket.reference},
                )
            else:
                messages.success(request, _("%(ref)s is filed.") % {"ref": ticket.reference})
            return redirect("tickets:detail", pk=ticket.pk)
    return render(
        request,
        "tickets/customer/file.html",
        {
            "form": form,
            "quota": quota,
            "contract": contract,
        },
    )


def _detail_context(request, ticket, *, comment_form=None) -> dict:
    now = timezone.now()
    annotate_badges([ticket], now=now)
    messages_ = list(customer_messages(ticket))
    is_contact = contact_of(request.user) is not None
    follow_up = follow_up_refusal(ticket, now=now)
    return {
        "ticket": ticket,
        "conversation": messages_,
        "filing_attachments": list(customer_filing_attachments(ticket)),
        "history": list(customer_history(ticket)),
        "comment_form": comment_form or CommentForm(),
        "can_comment": is_contact and follow_up is None,
        "follow_up_note": follow_up,
        "can_withdraw": is_contact and ticket.is_open,
        "can_close": is_contact and ticket.status == TicketStatus.RESOLVED,
        "can_reopen": is_contact and can_reopen(ticket, now=now),
        "reopen_until": reopen_deadline(ticket),
        "read_only": contact_of(request.user) is None,
    }


@login_required
def detail(request, pk: int):
    """A ticket's public side; support staff go to their workspace."""
    ticket = ticket_for_user(request.user, pk)
    if is_support_staff(request.user):
        workspace = _staff_url("tickets:workspace", ticket.pk)
        if workspace:
            return redirect(workspace)
    return render(request, "tickets/customer/detail.html", _detail_context(request, ticket))


@login_required
@require_POST
def comment(request, pk: int):
    """A customer comment (with files); on a ticket waiting for them it resumes the clock."""
    _contact_or_404(request)
    ticket = ticket_for_user(request.user, pk)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message_add(
                ticket=ticket,
                author=request.user,
                kind=MessageKind.CUSTOMER_COMMENT,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Your reply is added."))
            return redirect("tickets:detail", pk=ticket.pk)
    context = _detail_context(request, ticket, comment_form=form)
    return render(request, "tickets/customer/detail.html", context)


def _end(request, pk: int, action, done: str):
    """POST one of the contact's ending actions; a refusal comes back as a message."""
    _contact_or_404(request)
    ticket = ticket_for_user(request.user, pk)
    try:
        action(ticket=ticket, by=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done % {"ref": ticket.reference})
    return redirect("tickets:detail", pk=ticket.pk)


@login_required
@require_POST
def close(request, pk: int):
    """The contact confirms the resolution: the ticket closes."""
    return _end(request, pk, ticket_close, _("Thank you: %(ref)s is closed."))


@login_required
@require_POST
def reopen(request, pk: int):
    return _end(request, pk, ticket_reopen, _("%(ref)s is reopened."))


def _withdraw_not_needed(*, ticket, by):
    return ticket_withdraw(ticket=ticket, by=by, reason=WithdrawReason.NOT_NEEDED)


@login_required
def withdraw(request, pk: int):
    """GET: "Withdraw #N?" (works without JavaScript); POST: withdraw it."""
    _contact_or_404(request)
    ticket = ticket_for_user(request.user, pk)
    if request.method == "POST":
        return _end(request, pk, _withdraw_not_needed, _("%(ref)s is withdrawn."))
    if not ticket.is_open:
        messages.error(request, not_open_refusal(ticket))
        return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "tickets/customer/withdraw.html", {"ticket": ticket})


@login_required
def attachment(request, pk: int):
    """Stream a file to a user who may see it (contacts: not from internal notes)."""
    item = attachment_for_user(request.user, pk)
    try:
        handle = attachment_download(attachment=item, user=request.user, request=request)
    except (FileNotFoundError, ValueError, PermissionDenied):
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type="application/octet-stream",
    )


urlpatterns = [
    path("tickets/", contact_list, name="contact_list"),
    path("tickets/new/", file, name="file"),
    path("tickets/<int:pk>/", detail, name="detail"),
    path("tickets/<int:pk>/comment/", comment, name="comment"),
    path("tickets/<int:pk>/close/", close, name="close"),
    path("tickets/<int:pk>/reopen/", reopen, name="reopen"),
    path("tickets/<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("attachments/<int:pk>/", attachment, name="attachment"),
]
