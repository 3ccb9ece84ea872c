"""--dry-run reads, plans and reports, and writes nothing."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Collection, ModelLogEntry, PageLogEntry, Revision, WorkflowState

from plone_import.models import ImportRun, PloneItem, PlonePrincipal
from portal.models import PortalPage, SecureDocument, SecureImage

from .conftest import SAMPLE, item_at

MODELS = [
    PortalPage,
    Revision,
    SecureDocument,
    SecureImage,
    Redirect,
    Group,
    PloneItem,
    PlonePrincipal,
    ImportRun,
    Collection,
    PageLogEntry,
    ModelLogEntry,
    WorkflowState,
]


def counts():
    return {model.__name__: model.objects.count() for model in [*MODELS, get_user_model()]}


def dry_run(directory=SAMPLE):
    out, err = StringIO(), StringIO()
    call_command("import_plone", str(directory), "--dry-run", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_on_an_empty_portal_writes_nothing(home, settings, tmp_path):
    before = counts()
    out, _err = dry_run()
    assert counts() == before
    assert not list((settings.MEDIA_ROOT).glob("**/*.*")) if settings.MEDIA_ROOT.exists() else True
    assert "document create: 6" in out
    assert "file create: 2" in out and "image create: 2" in out
    # Mapping decisions, item by item: the R&D document goes to the R&D group only.
    line = next(line for line in out.splitlines() if "jishu-renyuan-baomi-zhidu" in line)
    assert "group/yanfa" in line and "draft" in line


def test_dry_run_after_an_import_reports_changes_without_making_them(imported, variant):
    def mutate(data):
        item_at(data, "/guizhang/bumen")["title"] = "部门保密制度"

    before = counts()
    out, _err = dry_run(variant(mutate))
    assert counts() == before
    assert "update: /guizhang/bumen: title" in out
    assert "folder update: 1" in out
    assert PortalPage.objects.get(pk=PloneItem.objects.get(path="/guizhang/bumen").page_id).title == "部门制度"


def test_dry_run_of_a_damaged_export_names_each_bad_item_and_writes_nothing(home, variant, settings):
    def mutate(data):
        del item_at(data, "/xiazai/baomi-xieyi-moban.txt")["file"]["data"]
        item_at(data, "/xuanchuan/baomi-jiangzuo-2026")["@type"] = "PloneGazette Section"
        item_at(data, "/guojia-baomiju")["effective"] = "2026-13-45"

    before = counts()
    out, err = dry_run(variant(mutate))
    assert counts() == before
    assert "/xiazai/baomi-xieyi-moban.txt: 缺少文件内容" in err
    assert "/xuanchuan/baomi-jiangzuo-2026: 未知类型 'PloneGazette Section'" in err
    assert "/guojia-baomiju: effective 中的日期无效：'2026-13-45'" in err
    # The note on what is not imported, and the counts of what would be.
    assert "portlets.json" in err
    assert "document create: 6" in out and "file create: 1" in out
