"""Settings come from the environment; production refuses unsafe ones and passes check --deploy.

Each case runs Python in a subprocess with a clean environment, so the settings module is
imported fresh (settings are read once, at import).
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

# The production variables README.md documents (its "Production" section) — no more.
README_PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "support.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://support.example.com",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "DEFAULT_FROM_EMAIL": "support@example.com",
    "PORTAL_BASE_URL": "https://support.example.com",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "PORTAL_TRUSTED_PROXIES": "1",
}

PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
from portal.celery import app
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": db["NAME"], "host": db.get("HOST"), "port": db.get("PORT"),
    "user": db.get("USER"), "conn_max_age": db.get("CONN_MAX_AGE"),
    "health_checks": db.get("CONN_HEALTH_CHECKS"), "options": db.get("OPTIONS"),
    "broker": settings.CELERY_BROKER_URL, "app_broker": app.conf.broker_url,
    "transport": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
    "email_backend": settings.EMAIL_BACKEND, "staff_zone": settings.PORTAL_STAFF_TIME_ZONE,
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", None),
    "base_url": settings.PORTAL_BASE_URL,
}))
"""


def run_python(tmp_path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run Python in the project with only ``env`` (plus PATH/HOME) in its environment."""
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(BASE_DIR),
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_with(tmp_path, env: dict[str, str]) -> dict:
    result = run_python(tmp_path, env, "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_database_and_broker_come_from_the_environment(tmp_path):
    # given DATABASE_URL and CELERY_BROKER_URL pointing at PostgreSQL and Redis
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": "postgres://portal:s3cret@db.example:5433/portal_x",
        "CELERY_BROKER_URL": "redis://redis.example:6380/2",
        "DJANGO_CONN_MAX_AGE": "30",
        "PORTAL_STAFF_TIME_ZONE": "Europe/Warsaw",
    }
    # when the settings are loaded
    loaded = settings_with(tmp_path, env)
    # then Django and Celery use them
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert (loaded["name"], loaded["host"], loaded["port"], loaded["user"]) == (
        "portal_x",
        "db.example",
        5433,
        "portal",
    )
    assert loaded["conn_max_age"] == 30
    assert loaded["health_checks"] is True  # a kept connection is checked before reuse
    assert loaded["broker"] == "redis://redis.example:6380/2"
    assert loaded["app_broker"] == "redis://redis.example:6380/2"
    assert "data_folder_in" not in loaded["transport"]
    assert loaded["staff_zone"] == "Europe/Warsaw"


@pytest.mark.skipif((BASE_DIR / ".env").exists(), reason="a local .env file overrides defaults")
def test_development_defaults_need_no_services(tmp_path):
    # given no configuration at all
    # when the development settings are loaded
    loaded = settings_with(tmp_path, {"DJANGO_SETTINGS_MODULE": "portal.settings.local"})
    # then SQLite, the filesystem broker and console e-mail are used, with DEBUG on
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(tmp_path / "var" / "portal.sqlite3")
    # writers queue for the lock (BEGIN IMMEDIATE + busy timeout) instead of failing
    assert loaded["options"]["transaction_mode"] == "IMMEDIATE"
    assert loaded["options"]["timeout"] == 20
    assert "journal_mode=WAL" in loaded["options"]["init_command"]
    assert loaded["broker"] == "filesystem://"
    assert loaded["transport"]["data_folder_in"].startswith(str(tmp_path / "var"))
    assert loaded["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["debug"] is True


@pytest.mark.parametrize(
    ("env", "base_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8010"}, "http://127.0.0.1:8010"),
        ({"HOST": "0.0.0.0", "PORT": "8010"}, "http://127.0.0.1:8010"),  # noqa: S104 - a wildcard bind
        ({"HOST": "::1", "PORT": "8010"}, "http://[::1]:8010"),
        ({"PORT": "8010", "PORTAL_BASE_URL": "https://support.test"}, "https://support.test"),
    ],
)
def test_in_development_links_follow_host_and_port(tmp_path, env, base_url):
    # given `make run`'s HOST and PORT (the Makefile exports them)
    # when the development settings are loaded
    loaded = settings_with(tmp_path, {"DJANGO_SETTINGS_MODULE": "portal.settings.local", **env})
    # then links in e-mails point where the development server listens, unless told otherwise
    assert loaded["base_url"] == base_url


def test_production_reads_its_variables(tmp_path):
    # given the production variables
    # when the production settings are loaded
    loaded = settings_with(tmp_path, README_PRODUCTION_ENV)
    # then DEBUG is off, the hosts, database, broker and SMTP are the given ones
    assert loaded["debug"] is False
    assert loaded["hosts"] == ["support.example.com"]
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["broker"] == "redis://redis.internal:6379/0"
    assert loaded["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["ssl_redirect"] is True


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    # given production settings and no DJANGO_SECRET_KEY
    env = {k: v for k, v in README_PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    # when they are loaded
    result = run_python(tmp_path, env, "-c", PRINT_SETTINGS)
    # then start-up fails naming the variable
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "weak_key",
    [
        "secret",
        "django-insecure-" + "x" * 60,
        "a" * 64,
        "short-but-random-Kq8w",
    ],
)
def test_production_refuses_a_weak_secret_key(tmp_path, weak_key):
    # given production settings with a weak secret key
    env = {**README_PRODUCTION_ENV, "DJANGO_SECRET_KEY": weak_key}
    # when they are loaded
    result = run_python(tmp_path, env, "-c", PRINT_SETTINGS)
    # then start-up fails and says what a good key looks like
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    # given production settings without DJANGO_ALLOWED_HOSTS
    env = {k: v for k, v in README_PRODUCTION_ENV.items() if k != "DJANGO_ALLOWED_HOSTS"}
    # when they are loaded
    result = run_python(tmp_path, env, "-c", PRINT_SETTINGS)
    # then start-up fails naming the variable
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_with_the_readme_production_variables(tmp_path):
    # given only the production variables README documents
    # when Django's deployment checklist runs, failing on any warning
    result = run_python(
        tmp_path, README_PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )
    # then it passes with no issue at all
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


# --- the documentation names every variable the settings read ---------------------------------

# env.str("NAME", ...), env.db("NAME"), environ.Env().str("NAME", ...)
ENV_CALL = re.compile(r"""(?:env|Env\(\))\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']""")
SETTINGS_FILES = sorted((BASE_DIR / "portal" / "settings").glob("*.py"))


def variables_read_by_settings() -> set[str]:
    names = set()
    for path in SETTINGS_FILES:
        names |= set(ENV_CALL.findall(path.read_text()))
    return names


def test_the_settings_read_the_variables_we_expect_to_find():
    # given the settings modules
    # when the env.<type>("NAME") calls are collected
    names = variables_read_by_settings()
    # then the parser found the well-known ones (so the two tests below mean something)
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY", "PORTAL_VAR_DIR"} <= names


@pytest.mark.parametrize("document", ["README.md", ".env.example"])
def test_every_environment_variable_is_documented(document):
    # given the variables the settings read
    names = variables_read_by_settings()
    # when the document is read
    text = (BASE_DIR / document).read_text()
    # then it names each of them
    missing = sorted(name for name in names if name not in text)
    assert not missing, f"{document} does not document {missing}"


def test_readme_documents_the_production_variables_used_above():
    # given the production variables this module runs check --deploy with
    readme = (BASE_DIR / "README.md").read_text()
    # when README is read
    # then it lists every one of them
    missing = sorted(name for name in README_PRODUCTION_ENV if name not in readme)
    assert not missing
