"""``manage.py api_token USERNAME [--name N]``: print a new personal token for scripts.

Only the token goes to standard output (so ``TOKEN=$(manage.py api_token ops@…)`` works);
what it is goes to standard error. An unknown, inactive or role-less user is refused with
exit status 1 and a sentence saying why.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (shown only this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line", help="the token's name")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        try:
            token, text = api_token_create(user=user, name=name, now=timezone.now())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(f"token {token.name!r} for {username} (shown only this once):")
        self.stdout.write(text)
