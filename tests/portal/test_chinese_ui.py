"""The interface speaks Chinese by default (LANGUAGE_CODE zh-hans), English stays selectable."""

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese(client):
    html = client.get("/accounts/login/").content.decode()
    assert "登录" in html and "动态口令" in html and "用户名" in html


def test_denial_page_is_in_chinese(page_at, user_with, verified_client):
    page = page_at(clearance=2)
    html = verified_client(user_with(0)).get(page.url).content.decode()
    assert "无权访问" in html and "知悉范围" in html
