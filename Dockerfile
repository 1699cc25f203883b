# The support portal: one image for the web process, the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    PORTAL_VAR_DIR=/app/var

WORKDIR /app

# WeasyPrint (the SLA statements' PDF) draws text with Pango; DejaVu covers Cyrillic.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, so code changes reuse this layer (pyproject.toml installs no packages of
# its own: the apps run from /app).
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Translations and static files are build products: compile and collect them into the image.
# collectstatic needs production settings to import, but no database and no real secret.
RUN pybabel compile --domain django --directory locale \
 && DJANGO_SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything-0123456789 \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    CELERY_BROKER_URL=memory:// \
    python manage.py collectstatic --noinput \
 && useradd --system --home-dir /app --shell /usr/sbin/nologin portal \
 && mkdir -p /app/var/media \
 && chown -R portal:portal /app/var

USER portal
EXPOSE 8000

CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
