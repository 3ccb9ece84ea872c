"""Signing in to the portal in a real browser: first-login enrolment, password + TOTP, and the clearance denial.

Every step is what a person does (open a URL, fill the form by its labels, click) and every check is what they
see. Authenticator codes are computed here from the key, as a phone app would (RFC 6238: SHA-1, 30 s, 6 digits).
"""

import base64
import hashlib
import hmac
import re
import struct
import time
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from portal.enums import Clearance

pytestmark = pytest.mark.e2e

ENROL_SCREENSHOT = "/tmp/e2e-enrol.png"  # noqa: S108 - a fixed place a person can open after the run
TOTP_STEP = 30
LOGIN_PATH = "/accounts/login/"
ENROL_PATH = "/accounts/otp/setup/"
CJK = re.compile(r"[\u4e00-\u9fff]")


# --- The authenticator app -----------------------------------------------------------------------


def totp(key, counter, digits=6):
    """RFC 6238 / RFC 4226: HMAC-SHA-1 of the 30-second counter, dynamically truncated."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def key_from_base32(text):
    """The key as typed from the enrolment page: base32, without padding, spaces ignored."""
    cleaned = re.sub(r"\s+", "", text).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


class Authenticator:
    """A phone app holding one key. django-otp accepts each code once, so a second sign-in waits for a new one."""

    def __init__(self, key):
        self.key = key
        self.last_counter = None

    def code(self):
        counter = int(time.time()) // TOTP_STEP
        if self.last_counter is not None and counter <= self.last_counter:
            time.sleep(max(0.0, (self.last_counter + 1) * TOTP_STEP - time.time()) + 0.5)
            counter = int(time.time()) // TOTP_STEP
        self.last_counter = counter
        return totp(self.key, counter)


# --- What the person sees and does ---------------------------------------------------------------


def ui(text):
    """A label or message as the portal shows it (its language is zh-hans)."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def at_path(path):
    """A URL pattern for `path`, with any query string (e.g. ?next=/)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def sign_in(page, person, code=""):
    page.get_by_label(ui("Username"), exact=True).fill(person.username)
    page.get_by_label(ui("Password"), exact=True).fill(person.password)
    page.get_by_label(ui("Authenticator code"), exact=True).fill(code)
    page.get_by_role("button", name=ui("Sign in"), exact=True).click()


def sign_in_enrolled(browser_page, portal, person):
    """A fresh browser, signed in with password + TOTP, on the home page."""
    page = browser_page()
    page.goto(LOGIN_PATH)
    sign_in(page, person, Authenticator(person.device.bin_key).code())
    expect(page).to_have_url(portal.url("/"))
    return page


def heading(page):
    return page.get_by_role("heading", level=1)


# --- Journeys ------------------------------------------------------------------------------------


def test_totp_helper_matches_the_rfc_6238_test_vector():
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits).
    assert totp(b"12345678901234567890", 59 // TOTP_STEP, digits=8) == "94287082"
    assert key_from_base32("GEZD GNBV GY3T QOJQ") == b"1234567890"


def test_first_login_enrols_totp_then_signs_in_with_password_and_code(portal, make_user, browser_page):
    person = make_user(clearance=Clearance.INTERNAL)
    page = browser_page()

    page.goto("/")
    expect(page).to_have_url(at_path(LOGIN_PATH))

    # First login: password only, the code left empty.
    sign_in(page, person)
    expect(page).to_have_url(at_path(ENROL_PATH))
    expect(heading(page)).to_have_text(ui("Set up two-factor sign-in"))
    qr = page.get_by_role("img", name=ui("QR code for your authenticator app"))
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR image did not render"
    secret = page.get_by_test_id("totp-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{16,}$"))
    page.screenshot(path=ENROL_SCREENSHOT, full_page=True)
    print(f"\nenrolment page screenshot: {ENROL_SCREENSHOT}")  # noqa: T201

    phone = Authenticator(key_from_base32(secret.inner_text()))
    page.get_by_label(ui("Authenticator code"), exact=True).fill(phone.code())
    page.get_by_role("button", name=ui("Confirm"), exact=True).click()

    expect(heading(page)).to_have_text(ui("Backup codes"))
    codes = page.get_by_test_id("backup-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    shown = [text.strip() for text in codes.all_inner_texts()]
    assert all(re.fullmatch(r"\d{8}", code) for code in shown), shown
    assert len(set(shown)) == 10

    page.get_by_role("link", name=ui("Continue to the portal")).click()
    expect(page).to_have_url(portal.url("/"))
    expect(heading(page)).to_have_text(portal.home.title)

    # Sign out from the header; the portal is closed again.
    page.locator("header.site-header").get_by_role("button", name=ui("Sign out")).click()
    expect(page).to_have_url(at_path(LOGIN_PATH))
    expect(page.get_by_text(ui("You have been signed out."))).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(at_path(LOGIN_PATH))
    expect(page.get_by_text(portal.home.title)).to_have_count(0)

    # Every later sign-in: password and a fresh code from the phone.
    sign_in(page, person, phone.code())
    expect(page).to_have_url(portal.url("/"))
    expect(heading(page)).to_have_text(portal.home.title)


def test_password_without_code_is_refused_for_an_enrolled_user(portal, make_user, browser_page):
    person = make_user(enrolled=True)
    page = browser_page()
    page.goto("/")
    expect(page).to_have_url(at_path(LOGIN_PATH))

    sign_in(page, person)

    expect(page.get_by_role("alert")).to_contain_text(
        ui("The username, password or authenticator code is not correct.")
    )
    assert urlsplit(page.url).path == LOGIN_PATH
    expect(heading(page)).to_have_text(ui("Sign in"))
    expect(page.get_by_text(portal.home.title)).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(at_path(LOGIN_PATH))


def test_internal_user_is_denied_a_confidential_article_that_a_top_secret_user_reads(
    portal, make_user, article_at, browser_page
):
    article = article_at(title="星河项目机密技术方案", clearance=Clearance.CONFIDENTIAL, term="5年")
    url = article.get_url()

    internal = make_user(clearance=Clearance.INTERNAL, enrolled=True)
    page = sign_in_enrolled(browser_page, portal, internal)
    expect(page.get_by_text(article.title)).to_have_count(0)  # not listed on the home page either

    response = page.goto(url)
    assert response.status == 403
    cache_control = response.headers.get("cache-control", "")
    assert "no-store" in cache_control, cache_control
    assert "no-cache" in cache_control, cache_control
    # The denial is the portal's Chinese 403 page, and it gives nothing of the article away.
    expect(heading(page)).to_have_text(ui("Access denied"))
    expect(heading(page)).to_have_text(CJK)
    assert article.title not in response.text()
    assert article.title not in page.content()

    top_secret = make_user(clearance=Clearance.TOP_SECRET, enrolled=True)
    page = sign_in_enrolled(browser_page, portal, top_secret)
    response = page.goto(url)
    assert response.status == 200
    expect(heading(page)).to_have_text(article.title)
    expect(page.locator(".marking")).to_have_text("机密★5年")


def test_sign_out_is_offered_when_the_menu_is_empty(portal_without_menu, make_user, browser_page):
    page = sign_in_enrolled(browser_page, portal_without_menu, make_user(enrolled=True))

    sign_out = page.locator("header.site-header").get_by_role("button", name=ui("Sign out"))
    expect(sign_out).to_be_visible()
