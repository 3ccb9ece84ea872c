"""A Celery worker started by the test suite: test settings, pointed at the test run's database."""

import os

from .test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
if os.environ.get("PORTAL_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["PORTAL_TEST_DB_NAME"]  # noqa: F405
