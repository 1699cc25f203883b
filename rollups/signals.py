"""Ticket saves and deletes keep the roll-ups exact: each instance remembers what it added
when it was loaded (post_init) and moves the difference on save (a few queries, and only
when an ended ticket is involved). Bulk UPDATEs call ``rollups.services`` themselves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.dispatch import receiver

from rollups.contribution import COLUMNS, FIELDS, contribution
from rollups.services import ticket_changed
from tickets.models import Ticket

_paused = ContextVar("rollups_paused", default=False)
UNKNOWN = object()  # loaded with deferred columns: read the row before it is overwritten
ATTR = "_rollup_contribution"


@contextmanager
def paused() -> Iterator[None]:
    """Ticket writes that leave the roll-ups alone (a benchmark wiping its tickets); run
    ``rollups_rebuild`` after anything else done this way."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def _snapshot(ticket):
    if any(name not in ticket.__dict__ for name in FIELDS):
        return UNKNOWN
    return contribution(ticket)


@receiver(post_init, sender=Ticket, dispatch_uid="rollups_ticket_loaded")
def _loaded(sender, instance, **kwargs) -> None:
    # What a loaded row adds; a new instance's snapshot is ignored (pre_save: adding).
    setattr(instance, ATTR, _snapshot(instance))


@receiver(pre_save, sender=Ticket, dispatch_uid="rollups_ticket_saving")
def _saving(sender, instance, raw=False, **kwargs) -> None:
    if raw or _paused.get():
        return
    if instance._state.adding:
        setattr(instance, ATTR, None)
    elif getattr(instance, ATTR, UNKNOWN) is UNKNOWN:
        stored = Ticket.objects.filter(pk=instance.pk).only(*COLUMNS).first()
        setattr(instance, ATTR, contribution(stored) if stored else None)


@receiver(post_save, sender=Ticket, dispatch_uid="rollups_ticket_saved")
def _saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or _paused.get():
        return
    after = _snapshot(instance)
    if after is UNKNOWN:
        instance.refresh_from_db(fields=[n for n in COLUMNS if n not in instance.__dict__])
        after = contribution(instance)
    ticket_changed(instance.pk, getattr(instance, ATTR, None), after)
    setattr(instance, ATTR, after)


@receiver(post_delete, sender=Ticket, dispatch_uid="rollups_ticket_deleted")
def _deleted(sender, instance, **kwargs) -> None:
    before = getattr(instance, ATTR, None)
    if before is not UNKNOWN and not _paused.get():
        ticket_changed(instance.pk, before, None)
