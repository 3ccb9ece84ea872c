"""Test run: fast hasher, locmem cache (unless REDIS_URL), plain static storage, eager tasks."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import env_str

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PORTAL_DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "media-test"  # noqa: F405
# The Celery tests start a real worker when REDIS_URL is set; everything else stays eager.
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = True
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
SEARCH_INDEX_NAME = f"baomi-units-test-{os.getpid()}"  # a run never writes into a shared index
if REDIS_URL:  # noqa: F405
    # The suite's cache lives in its own Redis database, emptied before every test (tests/conftest.py): a row cached by
    # one test (a rendition, a site root) must not outlive that test's rolled-back transaction. The broker keeps db 0.
    CACHES["default"]["LOCATION"] = urlunsplit(urlsplit(REDIS_URL)._replace(path="/15"))  # noqa: F405
