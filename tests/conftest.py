import itertools
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Locale, Site

from home.models import ArticlePage, HomePage, SectionIndexPage
from portal.models import PortalPage
from portal.services.people import department_create, user_create

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache; on Redis the cache outlives the database rollback."""
    cache.clear()


@pytest.fixture
def home(db):
    """The default site's root: a HomePage under the tree root."""
    # A transactional test's flush also removes the rows the migrations made (locale, tree root, default site).
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = PortalPage.get_first_root_node() or PortalPage.add_root(instance=PortalPage(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title="保密门户", slug="portal-home"))
    site = Site.objects.filter(is_default_site=True).first() or Site(hostname="localhost", is_default_site=True)
    site.root_page = home
    site.save()
    return home


@pytest.fixture
def department(db):
    def make(name=None, code=None):
        n = next(_counter)
        return department_create(name=name or f"部门{n}", code=code or f"dept-{n}")

    return make


@pytest.fixture
def user_with(db, department):
    """user_with(clearance, department=None, **flags) → an active user with a security profile."""

    def make(clearance=0, dept=None, *, username=None, password="pw-123456789", **extra):
        n = next(_counter)
        dept = dept or department()
        return user_create(
            actor=None,
            username=username or f"user{n}",
            password=password,
            clearance=clearance,
            department=dept,
            **extra,
        )

    return make


def totp_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="TOTP", confirmed=True
    )


@pytest.fixture
def verified_client():
    """A client whose session is logged in and OTP-verified, exactly as the OTP middleware expects."""

    def make(user):
        device = totp_device(user)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return make


@pytest.fixture
def page_at(home):
    """page_at(parent, clearance=..., scope=[groups], kind='article'|'section') → a published page."""

    def make(parent=None, *, clearance=0, scope=(), title=None, kind="article", term="5年"):
        parent = parent or home
        model = SectionIndexPage if kind == "section" else ArticlePage
        page = model(
            title=title or f"页面{next(_counter)}",
            slug=f"p{next(_counter)}",
            clearance=clearance,
            secrecy_term=term if clearance else "",
            classification_basis="测试定密依据" if clearance else "",
        )
        page.scope = list(scope)
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


CELERY_BROKER = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
needs_worker = [
    pytest.mark.services,
    pytest.mark.skipif(not CELERY_BROKER, reason="set REDIS_URL or CELERY_BROKER_URL to run Celery with a real worker"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL"),
        reason="set DATABASE_URL too: a worker process can't see the in-memory SQLite test database",
    ),
]


@pytest.fixture
def worker(transactional_db, settings):
    """A real `celery worker` process on the broker, using this test run's database."""
    from django.db import connection

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="portal.settings.worker_test")
    env["PORTAL_TEST_DB_NAME"] = str(connection.settings_dict["NAME"])
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            "portal-test",
            "--loglevel=WARNING",
        ],
        env=env,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def celery_live(worker):
    """Tasks go to the real worker on the broker (queue portal-test) while the test runs."""
    from portal.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = CELERY_BROKER
    app.conf.result_backend = CELERY_BROKER
    app.conf.task_default_queue = "portal-test"
    yield app
    app.conf.task_always_eager = True
    app.conf.task_default_queue = "celery"
