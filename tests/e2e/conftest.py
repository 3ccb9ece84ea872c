"""Browser journeys: Debian's chromium, driven by Playwright, against pytest-django's live server.

The database is transactional: the live server runs in another thread and must see committed rows. Each test's
flush also empties the rows the migrations made (locale, tree root, default site), so `site_with_home` puts
them back. A serialized rollback can't do that here: once Playwright's event loop runs in the test thread, Django
hands that thread a new connection object, without the snapshot taken when the database was created.
"""

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Locale, Site

from home.models import ArticlePage, HomePage, SectionIndexPage
from portal.models import PortalPage
from portal.services.people import department_create, user_create

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls made by the tests
# and by the database teardown happen in that same thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_LOCALE = "zh-CN"
TIMEOUT_MS = 20_000

HOME_TITLE = "保密门户工作台"
MENU_SECTION_TITLE = "通知公告"
PASSWORD = "Qz8-门户-e2e-Pass"

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def portal(transactional_db, live_server):
    """The live server's base URL, once the site has a published home page and a menu section."""
    return site_with_home(menu=True, base_url=live_server.url)


@pytest.fixture
def portal_without_menu(transactional_db, live_server):
    """Like `portal`, but the home page has no children in the menu."""
    return site_with_home(menu=False, base_url=live_server.url)


class Portal:
    def __init__(self, *, base_url, home):
        self.base_url = base_url
        self.home = home

    def url(self, path="/"):
        return f"{self.base_url}{path}"


def site_with_home(*, menu, base_url):
    # After the first transactional test, the flush has removed the locale, tree root and site too.
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = PortalPage.get_first_root_node() or PortalPage.add_root(instance=PortalPage(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="e2e-home"))
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site(hostname="localhost", is_default_site=True)
    site.root_page = home
    site.save()
    if menu:
        section = home.add_child(
            instance=SectionIndexPage(title=MENU_SECTION_TITLE, slug="notices", show_in_menus=True)
        )
        section.save_revision().publish()
    return Portal(base_url=base_url, home=home)


@pytest.fixture
def browser_page(chromium, live_server):
    """browser_page() → a page in a fresh browser context (own cookies), as a new person at their desk."""
    contexts = []

    def make():
        context = chromium.new_context(locale=BROWSER_LOCALE, base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@dataclass
class Person:
    username: str
    password: str
    user: object
    device: TOTPDevice | None


@pytest.fixture
def make_user(transactional_db):
    """make_user(clearance=0, enrolled=False) → a Person; enrolled = with a confirmed TOTP device."""

    def make(*, clearance=0, enrolled=False):
        n = next(_counter)
        department = department_create(name=f"测试部门{n}", code=f"e2e-dept-{n}")
        username = f"e2e-user{n}"
        user = user_create(actor=None, username=username, password=PASSWORD, clearance=clearance, department=department)
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True) if enrolled else None
        return Person(username=username, password=PASSWORD, user=user, device=device)

    return make


@pytest.fixture
def article_at(portal):
    """article_at(title=..., clearance=..., term=...) → a published article under the home page."""

    def make(*, title, clearance, term="5年"):
        n = next(_counter)
        page = ArticlePage(
            title=title,
            slug=f"e2e-article-{n}",
            clearance=clearance,
            secrecy_term=term if clearance else "",
            classification_basis="x" if clearance else "",
        )
        portal.home.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make
