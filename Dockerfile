# syntax=docker/dockerfile:1
# 保密门户 production image: gunicorn serving portal.wsgi with portal.settings.production.
# The same image runs the Celery worker and beat and the django_tasks worker (see compose.yaml).

# --- Source without local state --------------------------------------------------------------------
# The build context may hold a developer's database, uploaded files, virtualenv or .env: none of them may
# reach the image. They are dropped here; only this stage's clean copy is taken into the final image.
FROM python:3.11-slim AS source
WORKDIR /src
COPY . .
RUN rm -rf .git .venv .env .pytest_cache .ruff_cache media media-test staticfiles \
        db.sqlite3 db.sqlite3-journal celerybeat-schedule* tests bench \
    && find . -type d -name __pycache__ -prune -exec rm -rf {} +

# --- Runtime ---------------------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    MEDIA_ROOT=/data/media \
    WEB_CONCURRENCY=3

RUN groupadd --system portal \
    && useradd --system --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

# Code stays owned by root and read-only for the process user; only MEDIA_ROOT is writable.
COPY --from=source /src/ /app/

# Static files are collected at build time (WhiteNoise serves them with hashed names). Production settings
# refuse to load without DJANGO_SECRET_KEY, so this one command gets a throwaway value; it is not kept in
# the image and the container must be given the real key.
RUN DJANGO_SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput \
    && mkdir -p /data/media \
    && chown portal:portal /data/media

USER portal
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# Worker processes: WEB_CONCURRENCY (read by gunicorn). Put a TLS proxy in front that sets X-Forwarded-Proto.
# No control socket: its default place is under $HOME, which the process user cannot write.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--no-control-socket"]
