"""Re-running the import updates in place by Plone UID: no duplicates, and it says what changed."""

import base64

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Revision

from home.models import PageRelation
from plone_import.models import ImportRun, PloneItem
from portal.models import PortalPage, SecureDocument, SecureImage

from .conftest import item_at

MODELS = [PortalPage, Revision, SecureDocument, SecureImage, Redirect, Group, PloneItem, PageRelation]


def counts():
    return {model.__name__: model.objects.count() for model in [*MODELS, get_user_model()]}


def test_second_run_changes_nothing(imported, run_import):
    before = counts()
    again = run_import()
    assert not again.errors
    assert counts() == before
    assert not again.changes
    actions = {key.split(" ", 1)[1] for key in again.counts}
    assert actions <= {"unchanged"}, again.counts
    assert again.counts["document unchanged"] == 6
    assert ImportRun.objects.count() == 2


def test_changes_in_plone_update_the_same_objects(imported, run_import, variant):
    page_ids = dict(PloneItem.objects.values_list("path", "page_id"))
    document_id = PloneItem.objects.get(path="/xiazai/baomi-xieyi-moban.txt").document_id
    new_bytes = "保密协议（模板）第二版\n".encode()

    def mutate(data):
        item_at(data, "/guizhang/kexue-jishu-baomi-guiding-zongze")["title"] = "科学技术保密规定 总则（修订）"
        item_at(data, "/xiazai/baomi-xieyi-moban.txt")["file"]["data"] = base64.b64encode(new_bytes).decode()
        event = item_at(data, "/xuanchuan/baomi-jiangzuo-2026")
        event["review_state"] = "private"
        event["subjects"] = ["培训"]
        # The R&D document moves up into /guizhang/bumen.
        doc = item_at(data, "/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu")
        bumen = item_at(data, "/guizhang/bumen")
        doc["@id"] = bumen["@id"] + "/jishu-renyuan-baomi-zhidu"
        doc["parent"] = {"@id": bumen["@id"], "UID": bumen["UID"]}

    before = counts()
    result = run_import(directory=variant(mutate))
    assert not result.errors, [str(p) for p in result.errors]
    changes = {path: fields for path, action, fields in result.changes if action == "updated"}
    assert changes["/guizhang/kexue-jishu-baomi-guiding-zongze"] == ["title"]
    assert "blob" in changes["/xiazai/baomi-xieyi-moban.txt"]
    assert {"state", "live", "subjects", "access"} <= set(changes["/xuanchuan/baomi-jiangzuo-2026"])
    assert "parent" in changes["/guizhang/bumen/jishu-renyuan-baomi-zhidu"]
    after = counts()
    for name in ("PortalPage", "SecureDocument", "SecureImage", "PloneItem", "PageRelation"):
        assert after[name] == before[name], name

    zongze = PortalPage.objects.get(pk=page_ids["/guizhang/kexue-jishu-baomi-guiding-zongze"])
    assert zongze.title == "科学技术保密规定 总则（修订）" and zongze.live
    document = SecureDocument.objects.get(pk=document_id)
    with document.open_file() as f:
        assert f.read() == new_bytes
    event = PortalPage.objects.get(pk=page_ids["/xuanchuan/baomi-jiangzuo-2026"]).specific
    assert not event.live
    assert list(event.tags.names()) == ["培训"]
    # Private now: only its owner (wangfang) and the holders of local roles on /xuanchuan (宣传处) may read it.
    assert event.effective_scope != ""
    moved = PortalPage.objects.get(pk=page_ids["/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu"])
    assert moved.get_parent().pk == page_ids["/guizhang/bumen"]
    assert (
        PloneItem.objects.get(uid="28245d21d4df4a0a9a0ae7d78c84e184").path
        == "/guizhang/bumen/jishu-renyuan-baomi-zhidu"
    )
    assert not result.report.widened

    third = run_import(directory=variant(mutate))
    assert not third.changes


def test_a_page_deleted_in_the_portal_comes_back_under_the_same_record(imported, run_import):
    record = PloneItem.objects.get(path="/guojia-baomiju")
    PortalPage.objects.get(pk=record.page_id).delete()
    again = run_import()
    assert not again.errors, [str(p) for p in again.errors]
    record.refresh_from_db()
    assert record.page is not None and record.page.slug == "guojia-baomiju"
    assert PloneItem.objects.filter(uid=record.uid).count() == 1
