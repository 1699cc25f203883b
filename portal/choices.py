"""Fast ``get_<field>_display`` for fields with choices.

Django's own builds a dict of every choice and hashes each lazy label, which translates it, on
every call: about 0.1 ms, three times a row on the queue page (a third of the rows' cost).
``choice_display`` translates each label once per language and then only looks it up. Django
keeps a ``get_<field>_display`` a model defines itself.
"""

from __future__ import annotations

from django.utils.translation import get_language


def choice_display(field_name: str):
    """The display method of ``field_name``: its choice's label in the active language (the
    value itself when it is not one of the choices, as Django's)."""
    labels_by_language: dict[str | None, dict] = {}

    def display(instance):
        language = get_language()
        labels = labels_by_language.get(language)
        if labels is None:
            field = instance._meta.get_field(field_name)
            labels = {value: str(label) for value, label in field.flatchoices}
            labels_by_language[language] = labels
        value = getattr(instance, field_name)
        return labels.get(value, value)

    display.__name__ = f"get_{field_name}_display"
    display.__doc__ = f"The {field_name}'s label in the active language."
    return display
