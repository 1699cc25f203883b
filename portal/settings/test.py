"""Tests: fast hashing, in-memory mail, tasks run eagerly unless a test starts a worker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-test-only-key")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A test that starts a real worker runs it with CELERY_TASK_ALWAYS_EAGER=False.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The web hook tests' receiver listens on 127.0.0.1.
PORTAL_WEBHOOK_ALLOW_LOCALHOST = env.bool("PORTAL_WEBHOOK_ALLOW_LOCALHOST", default=True)
