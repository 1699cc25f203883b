"""Staff register a ticket on behalf of a contact: a request that came by phone, chat or a
forwarded e-mail. First the contact, then the contact's filing form plus the channel; it files
through ``ticket_file`` like every channel, so the clock starts now and the quota applies."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oncall.forms import StaffRegisterForm
from packages.models import Contact
from packages.selectors import contract_in_force
from tickets.forms.customer import add_service_errors
from tickets.models import ONLINE_CHANNELS
from tickets.selectors.customer import customer_quota
from tickets.services.filing import QuotaExhausted, ticket_file
from tickets.views.staff import staff_required


class ContactField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        user = obj.user
        name = user.get_full_name() or user.get_username()
        return f"{obj.customer.name} — {name} <{user.email}>"


def contacts() -> forms.ModelChoiceField:
    queryset = (
        Contact.objects.filter(user__is_active=True, customer__is_active=True)
        .select_related("user", "customer")
        .order_by("customer__name", "user__first_name", "user__last_name", "pk")
    )
    return ContactField(
        queryset=queryset, label=gettext_lazy("Contact"),
        error_messages={"invalid_choice": gettext_lazy("Choose an active contact from the list.")},
    )


class ContactPickForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"] = contacts()


@staff_required
def register(request):
    pick = ContactPickForm(request.GET or None)
    if not pick.is_valid():
        return render(request, "oncall/register_pick.html", {"pick": pick})
    contact = pick.cleaned_data["contact"]
    now = timezone.now()
    contract = contract_in_force(customer=contact.customer_id, at=now)
    quota = customer_quota(customer_id=contact.customer_id, now=now)
    form = StaffRegisterForm(
        request.POST or None,
        request.FILES or None,
        contract=contract,
        show_quota_choice=bool(quota and quota.status.exhausted)
        or bool(request.POST.get("quota_choice")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_file(
                contact=contact, ticket_type=data["ticket_type"], priority=data["priority"],
                component=data["component"], subject=data["subject"],
                description=data["description"], quota_choice=data["quota_choice"] or None,
                attachments=data["attachments"], channel=data["channel"],
                registered_by=request.user,
            )
        except QuotaExhausted as exc:
            form.show_quota_choice()
            form.add_error("quota_choice", exc.messages)
            quota = customer_quota(customer_id=contact.customer_id, now=now)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if ticket.online_outside_package:
                messages.warning(
                    request,
                    _("%(ref)s is registered. Online support is not in %(customer)s's package; "
                      "the ticket records that it was given anyway.")
                    % {"ref": ticket.reference, "customer": contact.customer.name},
                )
            else:
                messages.success(request, _("%(ref)s is registered.") % {"ref": ticket.reference})
            return redirect("tickets:workspace", pk=ticket.pk)
    return render(
        request,
        "oncall/register.html",
        {
            "form": form,
            "contact": contact,
            "contract": contract,
            "quota": quota,
            "no_online_support": bool(contract and not contract.package.online_support),
            "online_channels": " ".join(sorted(ONLINE_CHANNELS)),
        },
    )
