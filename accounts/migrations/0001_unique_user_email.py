"""E-mail addresses are unique across users, in any case (SPEC "Accounts and security").

Existing duplicates are settled first: of the accounts sharing an address, the one most likely
to be its owner keeps it (a superuser, then staff, then an active account, then the one that
logged in last, then the oldest); the others' address is cleared (they keep their username and
password) and each clearing is written to the audit log for a manager to follow up. Then a
unique index on lower(email), for non-empty addresses, holds the rule on SQLite and PostgreSQL.
"""

from django.db import migrations

INDEX = "accounts_user_email_ci_unique"


def _owner_rank(user):
    return (
        not user.is_superuser,
        not user.is_staff,
        not user.is_active,
        -(user.last_login.timestamp() if user.last_login else 0),
        user.pk,
    )


def settle_duplicates(apps, schema_editor):
    from django.utils import timezone

    User = apps.get_model("auth", "User")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    groups: dict[str, list] = {}
    for user in User.objects.exclude(email="").order_by("pk"):
        groups.setdefault(user.email.strip().lower(), []).append(user)
    now = timezone.now()
    for address, users in groups.items():
        owner, *others = sorted(users, key=_owner_rank)
        if owner.email != address:
            owner.email = address
            owner.save(update_fields=["email"])
        for user in others:
            user.email = ""
            user.save(update_fields=["email"])
            AuditEntry.objects.create(
                at=now,
                action="account_email_cleared",
                target_type="auth.user",
                target_id=str(user.pk),
                target_label=user.username,
                details={"email": address, "kept_by": owner.username},
                summary=f"email: {address}; kept_by: {owner.username}",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("audit", "0001_initial"),
    ]
    operations = [
        migrations.RunPython(settle_duplicates, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (lower(email)) WHERE email <> ''",
            f"DROP INDEX {INDEX}",
        ),
    ]
