"""Plain-language sentences for the SLA effect of a change, for the ticket's history."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from sla.clock import SlaState


def describe_due(instant: datetime | None, time_zone: str) -> str:
    if instant is None:
        return _("— (paused)")
    local = instant.astimezone(zoneinfo.ZoneInfo(time_zone))
    return formats.date_format(local, "DATETIME_FORMAT") + local.strftime(" (UTC%z)")


def describe_margin(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


def describe_sla_change(before: SlaState | None, after: SlaState, time_zone: str) -> str:
    """What a change did to the SLA, e.g. "reaction met 12 min before due"."""
    parts: list[str] = []
    if before is None:
        return _("SLA started: reaction due %(r)s, resolution due %(s)s.") % {
            "r": describe_due(after.reaction_due, time_zone),
            "s": describe_due(after.resolution_due, time_zone),
        }
    if before.first_response_at is None and after.first_response_at is not None:
        margin = after.reaction_due - after.first_response_at
        if after.reaction_met:
            parts.append(_("reaction met %(m)s before due") % {"m": describe_margin(margin)})
        else:
            parts.append(_("reaction breached (%(m)s late)") % {"m": describe_margin(margin)})
    elif before.first_response_at is None and before.reaction_due != after.reaction_due:
        parts.append(_("reaction now due %(d)s") % {"d": describe_due(after.reaction_due,
                                                                     time_zone)})
    if before.reaction_breached_at is None and after.reaction_breached_at is not None and (
        before.first_response_at is None and after.first_response_at is None
    ):
        parts.append(_("reaction breached"))
    if not before.paused and after.paused:
        parts.append(_("resolution clock paused"))
    elif before.paused and not after.paused and not after.resolved:
        parts.append(_("resolution clock resumed, due %(d)s") % {
            "d": describe_due(after.resolution_due, time_zone)})
    if after.clock_started_at != before.clock_started_at:
        priority = after.priority if after.priority is not None else "—"
        if after.paused:
            parts.append(_("new clock: priority %(p)s, paused while waiting for the customer")
                         % {"p": priority})
        else:
            parts.append(_("new clock: priority %(p)s, due %(d)s") % {
                "p": priority, "d": describe_due(after.resolution_due, time_zone)})
    elif (not after.paused and not before.paused and not after.resolved
          and before.resolution_due != after.resolution_due):
        parts.append(_("resolution now due %(d)s") % {
            "d": describe_due(after.resolution_due, time_zone)})
    if before.resolution_breached_at is None and after.resolution_breached_at is not None:
        parts.append(_("resolution breached (was due %(d)s)") % {
            "d": describe_due(after.resolution_breached_at, time_zone)})
    if not before.extended and after.extended:
        parts.append(_("resolution target extended to %(h)s business hours") % {
            "h": int(after.resolution_target.total_seconds() // 3600)})
    if not before.resolved and after.resolved:
        if after.resolution_met:
            parts.append(_("resolution met"))
        else:
            parts.append(_("resolved after a resolution breach"))
    if not before.withdrawn and after.withdrawn:
        parts.append(_("clocks stopped: targets not yet met or breached leave the compliance "
                       "figures"))
    if before.resolved and not after.resolved:
        parts.append(_("reopened: resolution clock resumed, due %(d)s") % {
            "d": describe_due(after.resolution_due, time_zone)})
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + ("." if text else "")
