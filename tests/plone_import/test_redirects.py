"""Old Plone URLs keep answering: the items' own paths and the redirects Plone had recorded."""

import base64

import pytest
from wagtail.contrib.redirects.models import Redirect

from plone_import.models import PloneItem

from .conftest import sample_json


@pytest.fixture
def client(imported, plone_users, verified_client):
    return verified_client(plone_users()["chenjie"])


def page_id(path):
    return PloneItem.objects.get(path=path).page_id


def test_plone_redirects_lead_to_the_new_places(client):
    response = client.get("/baomi", follow=True)
    assert response.status_code == 200
    # /guizhang shows its default page.
    assert response.redirect_chain[-1][0] == PloneItem.objects.get(path="/guizhang/guizhang-shuoming").page.url
    response = client.get("/guizhang/banfa-caogao", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == PloneItem.objects.get(path="/guizhang/jishu-baomi-guanli-banfa").page.url
    moved = Redirect.objects.get(old_path="/guizhang/jishu-ziliao-baomi-xize")
    assert moved.redirect_page_id == page_id("/guizhang/bumen/jishu-ziliao-baomi-xize")


def test_old_file_and_image_urls_serve_the_bytes_through_the_checked_views(client):
    items = {item["@id"].rsplit("/", 1)[-1]: item for item in sample_json("content.json")}
    for old in ("/xiazai/baomi-xieyi-moban.txt", "/xiazai/baomi-xieyi-moban.txt/@@download/file"):
        response = client.get(old, follow=True)
        assert response.status_code == 200, old
        assert response.redirect_chain[-1][0].startswith("/documents/")
        assert b"".join(response.streaming_content) == base64.b64decode(items["baomi-xieyi-moban.txt"]["file"]["data"])
    response = client.get("/xiazai/miji-biaozhi.png/@@images/image", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/images/r/")
    assert response["Content-Type"] == "image/png"


def test_unchanged_paths_answer_without_a_redirect(client):
    response = client.get("/xuanchuan/baomi-jiangzuo-2026/")
    assert response.status_code == 200
    assert "研究院3号楼二层报告厅" in response.content.decode()
    assert not Redirect.objects.filter(old_path="/xuanchuan/baomi-jiangzuo-2026").exists()


def test_redirects_refuse_what_the_reader_may_not_open(imported, plone_users, verified_client):
    from .test_access import publish_everything

    publish_everything()
    lina = verified_client(plone_users()["lina"])
    page = PloneItem.objects.get(path="/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu").page
    Redirect.add_redirect("/old-rnd-doc", redirect_to=page)
    assert lina.get("/old-rnd-doc", follow=True).status_code == 403
