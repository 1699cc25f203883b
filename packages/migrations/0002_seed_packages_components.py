"""Seed the two packages with the SPEC's terms and the product's components."""

from django.db import migrations
from django.utils.translation import gettext_noop

# Names are stored in English and shown through the catalogue (Component.label).

PACKAGES = [
    {
        "code": "advanced",
        "name": "Advanced",
        "offline_support": True,
        "online_support": False,
        "monthly_request_quota": 30,
        "consultations": True,
        "vendor_configuration": "cloud_only",
        "server_connection": False,
        "defect_handling": True,
        "covered_blocks_limit": 1,
        "updates_and_knowledge_base": True,
        "incident_hours": "09:00–18:00, Mon–Sun (UTC+03:00)",
    },
    {
        "code": "pro",
        "name": "Pro",
        "offline_support": True,
        "online_support": True,
        "monthly_request_quota": None,
        "consultations": True,
        "vendor_configuration": "all",
        "server_connection": True,
        "defect_handling": True,
        "covered_blocks_limit": 2,
        "updates_and_knowledge_base": True,
        "incident_hours": "09:00–18:00, Mon–Sun (UTC+03:00)",
    },
]

COMPONENTS = [
    ("inbound-calls", gettext_noop("Inbound calls"), "base"),
    ("outbound-calls", gettext_noop("Outbound calls"), "base"),
    ("inbound-routing", gettext_noop("Routing inbound calls to operator groups"), "base"),
    (
        "statistics-recordings",
        gettext_noop("Collecting and storing statistics and call recordings"),
        "base",
    ),
    (
        "statistics-listening-ui",
        gettext_noop("Statistics and call-listening interfaces"),
        "additional",
    ),
    ("autodialer", gettext_noop("Autodialer"), "additional"),
    (
        "autodialer-data",
        gettext_noop("Loading autodialer data and exporting results to staging tables"),
        "additional",
    ),
    ("rest-api-webhooks", gettext_noop("REST API and web hooks"), "additional"),
    ("reporting", gettext_noop("Reporting"), "additional"),
]


def seed(apps, schema_editor):
    SupportPackage = apps.get_model("packages", "SupportPackage")
    Component = apps.get_model("packages", "Component")
    for terms in PACKAGES:
        SupportPackage.objects.update_or_create(code=terms["code"], defaults=terms)
    for position, (code, name, kind) in enumerate(COMPONENTS):
        Component.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("packages", "Component").objects.filter(
        code__in=[c[0] for c in COMPONENTS]
    ).delete()
    apps.get_model("packages", "SupportPackage").objects.filter(
        code__in=[p["code"] for p in PACKAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("packages", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
