"""Development: debug on, a throwaway secret, e-mail to the console."""

from .base import *  # noqa: F403
from .base import env


def _base_url(host: str, port: int) -> str:
    """The address `make run` serves on, as a link: a wildcard bind is reached on loopback."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)  # noqa: S104
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="django-insecure-development-only-key-do-not-use-in-production",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# `make run` serves on HOST:PORT (Makefile); links in e-mails and the seed banner follow them
# unless PORTAL_BASE_URL is set.
PORTAL_BASE_URL = env.str(
    "PORTAL_BASE_URL",
    default=_base_url(env.str("HOST", default="127.0.0.1"), env.int("PORT", default=8000)),
)

# A receiver on this machine (http://127.0.0.1:...) may take web hooks while developing.
PORTAL_WEBHOOK_ALLOW_LOCALHOST = env.bool("PORTAL_WEBHOOK_ALLOW_LOCALHOST", default=True)
