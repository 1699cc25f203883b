"""Form fields for short lists read on every page view (the queue's filters)."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator

from portal.widgets import PlainSelect


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read with one plain query. Django's iterates ``queryset.iterator()``, which on
    PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips), made for
    tables too large to hold, not for a list that fits in a ``<select>``."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # .all(): a fresh read each time, as Django's
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` read in one query and rendered without templates."""

    iterator = ListedChoiceIterator
    widget = PlainSelect
