"""PlainSelect writes the markup Django's Select template writes, without the templates."""

import pytest
from django import forms
from django.test.html import parse_html

from packages.models import Customer
from portal.widgets import PlainSelect

CHOICES = [
    ("", "---------"),
    ("a", "Alpha & <b>"),
    ('Group "1"', [("b", "Beta"), ("c", "Gamma")]),
]


def html_of(widget, name, value, attrs=None):
    return parse_html(str(widget.render(name, value, attrs=attrs)))


@pytest.mark.parametrize("value", [None, "", "a", "c", "missing"])
def test_choices_optgroups_and_escaping_render_as_select_does(value):
    attrs = {"id": "id_pick", "class": "form-select", "required": True, "disabled": False}
    ours = html_of(PlainSelect(choices=CHOICES), "pick", value, attrs)
    django = html_of(forms.Select(choices=CHOICES), "pick", value, attrs)
    assert ours == django
    assert "&lt;b&gt;" in str(PlainSelect(choices=CHOICES).render("pick", value))


@pytest.mark.django_db
def test_a_model_choice_field_renders_as_select_does():
    chosen = Customer.objects.create(name="Zeta <call centre>")
    Customer.objects.create(name="Alpha")

    class Form(forms.Form):
        ours = forms.ModelChoiceField(Customer.objects.order_by("name"), widget=PlainSelect)
        theirs = forms.ModelChoiceField(Customer.objects.order_by("name"))

    form = Form({"ours": chosen.pk, "theirs": chosen.pk})
    ours = str(form["ours"]).replace("ours", "field")
    theirs = str(form["theirs"]).replace("theirs", "field")
    assert parse_html(ours) == parse_html(theirs)
    assert f'<option value="{chosen.pk}" selected>' in ours
