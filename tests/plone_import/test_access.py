"""Access after import matches what each sample user could read in Plone (expected_access.json), never wider.

Every check is an HTTP request by a logged-in, OTP-verified user: a page, its document or its image. A user who
could not read an item in Plone gets 403 on its URL; drafts are unreachable for everyone until published, and once
published they still refuse the users Plone refused.
"""

import base64

import pytest
from django.test import Client

from plone_import.models import PloneItem
from portal.models import PortalPage

from .conftest import item_at, sample_json

USERS = ["zhangwei", "lina", "wangfang", "chenjie"]
EXPECTED = sample_json("expected_access.json")["items"]


def urls_of(record):
    """(kind, URL) pairs that serve an imported item."""
    urls = []
    if record.page_id:
        urls.append(("page", record.page.url))
    if record.document_id:
        urls.append(("document", record.document.url))
    if record.image_id:
        urls.append(("image", record.image.get_rendition("original").url))
    if record.lead_image_id:
        urls.append(("image", record.lead_image.get_rendition("original").url))
    return urls


def publish_everything():
    """What an editor could do next: publish every draft and scheduled page as it stands."""
    for page in PortalPage.objects.filter(live=False).specific():
        if page.depth <= 2:
            continue
        page.go_live_at = None
        page.expire_at = None
        page.save_revision().publish()


def assert_access(clients, *, published_all):
    for path, allowed in EXPECTED.items():
        record = PloneItem.objects.get(path=path)
        for kind, url in urls_of(record):
            live = True if kind != "page" else PortalPage.objects.get(pk=record.page_id).live
            for username in USERS:
                response = clients[username].get(url)
                where = f"{username} {kind} {path} {url}"
                if not allowed[username]:
                    # Refused in Plone: refused here. A live page or a file says 403; a draft does not exist yet.
                    assert response.status_code == (403 if live else 404), where
                    assert "no-cache" in response.get("Cache-Control", "") or not live, where
                elif live:
                    assert response.status_code in (200, 302), where
                else:
                    assert not published_all, where
                    assert response.status_code == 404, where


@pytest.fixture
def clients(imported, plone_users, verified_client):
    return {name: verified_client(user) for name, user in plone_users().items()}


def test_as_imported_nobody_reads_more_than_in_plone(clients):
    assert_access(clients, published_all=False)


def test_after_publishing_every_draft_plone_refusals_still_hold(clients):
    publish_everything()
    assert_access(clients, published_all=True)
    # The two restricted items are readable by exactly the users Plone allowed.
    rnd = PloneItem.objects.get(path="/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu").page.url
    assert {u for u in USERS if clients[u].get(rnd).status_code == 200} == {"zhangwei", "chenjie"}
    check = PloneItem.objects.get(path="/xuanchuan/yanfa-baomi-jiancha").page.url
    assert {u for u in USERS if clients[u].get(check).status_code == 200} == {"lina", "wangfang", "chenjie"}


def test_files_serve_their_bytes_to_readers(clients):
    item = item_at({"content.json": sample_json("content.json")}, "/xiazai/baomi-xieyi-moban.txt")
    document = PloneItem.objects.get(path="/xiazai/baomi-xieyi-moban.txt").document
    response = clients["lina"].get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == base64.b64decode(item["file"]["data"])


def test_anonymous_and_password_only_sessions_read_nothing(imported, plone_users):
    users = plone_users()
    password_only = Client()
    password_only.force_login(users["chenjie"])
    for record in PloneItem.objects.exclude(kind="root"):
        for _kind, url in urls_of(record):
            assert Client().get(url).status_code == 302  # to the login form
            assert password_only.get(url).status_code == 302  # to the second factor


def test_imported_accounts_stay_locked_until_activated(imported, verified_client):
    from django.contrib.auth import get_user_model

    zhangwei = get_user_model().objects.get(username="zhangwei")
    client = verified_client(zhangwei)
    page = PloneItem.objects.get(path="/guizhang/guizhang-shuoming").page.url
    assert client.get(page).status_code != 200


@pytest.fixture
def restricted_media(run_import, variant):
    """The sample plus a private folder of the R&D department holding a file and an image."""

    def mutate(data):
        rnd = item_at(data, "/guizhang/bumen/rnd")
        txt = item_at(data, "/xiazai/baomi-xieyi-moban.txt")
        png = item_at(data, "/xiazai/miji-biaozhi.png")
        base = rnd["@id"] + "/neibu"
        folder = {
            **rnd,
            "@id": base,
            "UID": "f0000000000000000000000000000001",
            "id": "neibu",
            "title": "研发部内部资料",
            "review_state": "private",
            "parent": {"@id": rnd["@id"], "UID": rnd["UID"]},
        }
        file = {
            **txt,
            "@id": base + "/neibu.txt",
            "UID": "f0000000000000000000000000000002",
            "id": "neibu.txt",
            "review_state": "private",
            "parent": {"@id": base, "UID": folder["UID"]},
        }
        image = {
            **png,
            "@id": base + "/neibu.png",
            "UID": "f0000000000000000000000000000003",
            "id": "neibu.png",
            "parent": {"@id": base, "UID": folder["UID"]},
        }
        data["content.json"] += [folder, file, image]
        data["localroles.json"] += [
            {"uuid": folder["UID"], "localroles": {"yanfa": ["Reader"], "zhangwei": ["Owner"]}},
            {"uuid": file["UID"], "localroles": {"zhangwei": ["Owner"]}},
            {"uuid": image["UID"], "localroles": {"zhangwei": ["Owner"]}},
        ]

    result = run_import(directory=variant(mutate))
    assert not result.errors, [str(p) for p in result.errors]
    return result


def test_restricted_file_and_image_refuse_outsiders_on_their_urls(restricted_media, plone_users, verified_client):
    users = plone_users()
    clients = {name: verified_client(user) for name, user in users.items()}
    document = PloneItem.objects.get(path="/guizhang/bumen/rnd/neibu/neibu.txt").document
    rendition = PloneItem.objects.get(path="/guizhang/bumen/rnd/neibu/neibu.png").image.get_rendition("original")
    for url in (document.url, rendition.url):
        for name in ("zhangwei", "chenjie"):
            assert clients[name].get(url).status_code == 200, (name, url)
        for name in ("lina", "wangfang"):
            response = clients[name].get(url)
            assert response.status_code == 403, (name, url)
            assert "no-cache" in response["Cache-Control"]
    assert not restricted_media.report.widened
