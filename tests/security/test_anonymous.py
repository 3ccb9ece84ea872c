"""Anonymous visitors and password-only sessions reach nothing but login, enrolment/token step, static and /healthz."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

OPEN_PATHS = ("/accounts/login/", "/healthz", "/static/")


def _concrete_paths(resolver=None, prefix=""):
    """Every URL pattern of the project with its converters filled in (ints as 1, strings as 'x')."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        pattern = re.sub(r"<int:\w+>", "1", pattern)
        pattern = re.sub(r"<(?:str|slug|path):\w+>", "x", pattern)
        pattern = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", pattern)
        pattern = re.sub(r"\(\?P<\w+>[^)]*\)", "1", pattern)
        pattern = pattern.replace("^", "").replace("$", "").replace("\\", "").replace("?", "")
        pattern = re.sub(r"\[[^]]*\]\*|\.\*|\.\+", "x", pattern)
        if isinstance(entry, URLResolver):
            yield from _concrete_paths(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + pattern


def test_every_url_pattern_redirects_anonymous_visitors_to_login(client):
    paths = sorted({p for p in _concrete_paths() if not p.startswith(OPEN_PATHS)})
    assert len(paths) > 200  # Wagtail admin, our views, the page catch-all
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), path
            assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_anonymous_page_and_admin_and_search_redirect(client, home):
    for path in ("/", "/admin/", "/search/?q=保密", "/search/api/?q=保密", "/documents/1/", "/images/r/1/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_healthz_answers_with_reachability_only(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert set(response.json()) == {"database", "cache", "broker"}
    assert response.json()["database"] == "ok"


def test_password_only_session_reaches_no_page_or_admin(client, user_with, home):
    user = user_with(3)
    client.force_login(user)  # a password session, no second factor
    from tests.conftest import totp_device

    totp_device(user)
    for path in ("/", home.url, "/admin/", "/admin/pages/", "/search/?q=x", "/documents/1/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/verify/", path


def test_password_only_session_without_device_can_only_enrol(client, user_with, home):
    user = user_with(3)
    client.force_login(user)
    response = client.get("/")
    assert response["Location"] == "/accounts/otp/setup/"
    assert client.get("/accounts/otp/setup/").status_code == 200
    assert client.get("/admin/").status_code == 302
