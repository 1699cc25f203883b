"""Forms of the rota, the notification preferences and the staff's registration of a ticket."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from oncall.models import MANDATORY_KINDS, EventKind
from oncall.selectors import staff_users
from sla.models import Weekday, validate_calendar_zone
from tickets.forms.customer import TicketFileForm
from tickets.models import Channel


class StaffChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=staff_users().order_by("first_name", "last_name", "username"),
            label=_("Engineer"),
            error_messages={
                "invalid_choice": _("Choose an active support engineer or manager from the list.")
            },
            **kwargs,
        )

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class ShiftForm(forms.Form):
    engineer = StaffChoiceField()
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(
        label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("A time not after “from” ends the next day (22:00–06:00); equal times "
                    "are the whole day."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"), max_length=64, validators=[validate_calendar_zone],
        help_text=_("An IANA zone (Europe/Kyiv, follows daylight saving time) or a fixed "
                    "offset (+03:00, the incident calendar's)."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "shift")
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.PORTAL_ROTA_TIME_ZONE


class ChangeForm(forms.Form):
    engineer = StaffChoiceField()
    on_duty = forms.TypedChoiceField(
        label=_("Change"),
        choices=[("on", _("On duty")), ("off", _("Off duty"))],
        coerce=lambda value: value == "on",
        widget=forms.RadioSelect,
        initial="on",
    )
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("To"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "change")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("“To” must be after “from”."))
        return cleaned


class PreferencesForm(forms.Form):
    """One checkbox per kind of event: e-mail on or off (priority 1 and breaches stay on)."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in EventKind:
            mandatory = kind in MANDATORY_KINDS
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label,
                required=False,
                initial=current.get(kind.value, True),
                disabled=mandatory,
                help_text=_("Always sent: it cannot be turned off.") if mandatory else "",
            )

    def choices(self) -> dict[str, bool]:
        return {kind: bool(self.cleaned_data.get(kind)) for kind in EventKind.values}


STAFF_CHANNELS = [
    (Channel.PHONE, Channel.PHONE.label),
    (Channel.CHAT, Channel.CHAT.label),
    (Channel.EMAIL, _("E-mail (a forwarded message)")),
]


class StaffRegisterForm(TicketFileForm):
    """The contact's filing form, plus the channel the request came by."""

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["channel", "ticket_type", "priority", "component"])
        self.fields["priority"].help_text = _(
            "Priority 1 is for base functions and the additional blocks the contract covers."
        )
        self.fields["description"].help_text = _(
            "What the contact said, when, and what they have tried."
        )

    def show_quota_choice(self, show: bool = True) -> None:
        super().show_quota_choice(show)
        self.helper.layout.fields.insert(0, "channel")
