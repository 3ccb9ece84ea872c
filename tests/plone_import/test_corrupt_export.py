"""Bad or partial input: a clear message per item, the rest imported, nothing half-imported."""

import json

import pytest
from django.core.management import CommandError, call_command

from plone_import.models import PloneItem
from portal.models import PortalPage, SecureDocument, SecureImage

from .conftest import item_at


def messages(result):
    return {p.where: p.message for p in result.errors}


def test_missing_blob_fails_that_file_only(run_import, variant):
    def mutate(data):
        del item_at(data, "/xiazai/baomi-xieyi-moban.txt")["file"]["data"]

    result = run_import(directory=variant(mutate))
    assert "缺少文件内容" in messages(result)["/xiazai/baomi-xieyi-moban.txt"]
    assert not PloneItem.objects.filter(path="/xiazai/baomi-xieyi-moban.txt").exists()
    assert SecureDocument.objects.count() == 1
    assert PloneItem.objects.filter(path="/xiazai/lizhi-tuomi-chengnuoshu.docx").exists()
    assert PortalPage.objects.filter(slug="guizhang-shuoming").exists()
    warnings = [str(p) for p in result.problems if p.level == "warning"]
    assert any("xiazai-xieyi-moban" in w for w in warnings)  # the link page has lost its target, and says so


def test_bad_base64_and_unreadable_image(run_import, variant):
    def mutate(data):
        item_at(data, "/xiazai/lizhi-tuomi-chengnuoshu.docx")["file"]["data"] = "这不是base64!!"
        item_at(data, "/xiazai/miji-biaozhi.png")["image"]["data"] = "bm90IGFuIGltYWdl"  # "not an image"

    result = run_import(directory=variant(mutate))
    errors = messages(result)
    assert "base-64" in errors["/xiazai/lizhi-tuomi-chengnuoshu.docx"]
    assert "图片数据无法读取" in errors["/xiazai/miji-biaozhi.png"]
    assert SecureImage.objects.filter(title="密级标识").count() == 0
    assert SecureImage.objects.filter(title="保密宣传海报").count() == 1


def test_failure_inside_a_write_rolls_the_whole_item_back(run_import, variant):
    """The news page is written before its lead image turns out unreadable: neither stays."""

    def mutate(data):
        item_at(data, "/xuanchuan/baomi-xuanchuanyue-2026")["image"]["data"] = "bm90IGFuIGltYWdl"

    result = run_import(directory=variant(mutate))
    assert "图片数据无法读取" in messages(result)["/xuanchuan/baomi-xuanchuanyue-2026"]
    assert not PortalPage.objects.filter(slug="baomi-xuanchuanyue-2026").exists()
    assert not PloneItem.objects.filter(path="/xuanchuan/baomi-xuanchuanyue-2026").exists()
    assert PortalPage.objects.filter(slug="baomi-jiangzuo-2026").exists()


def test_unknown_type_fails_with_its_subtree(run_import, variant):
    def mutate(data):
        item_at(data, "/guizhang/bumen")["@type"] = "PloneGazette Section"

    result = run_import(directory=variant(mutate))
    errors = messages(result)
    assert "未知类型 'PloneGazette Section'" in errors["/guizhang/bumen"]
    assert "其上级未导入" in errors["/guizhang/bumen/rnd"]
    assert "其上级未导入" in errors["/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu"]
    assert not PortalPage.objects.filter(slug__in=["bumen", "rnd", "jishu-ziliao-baomi-xize"]).exists()
    assert PortalPage.objects.filter(slug="guizhang").exists()


def test_invalid_date_and_missing_parent(run_import, variant):
    def mutate(data):
        item_at(data, "/guojia-baomiju")["effective"] = "2026-13-45"
        orphan = item_at(data, "/xuanchuan/xiazai-xieyi-moban")
        orphan["parent"] = {"@id": "https://intranet.yjy.example.org/gone", "UID": "0" * 32}
        orphan["@id"] = "https://intranet.yjy.example.org/gone/xiazai-xieyi-moban"

    result = run_import(directory=variant(mutate))
    errors = messages(result)
    assert "effective 中的日期无效：'2026-13-45'" in errors["/guojia-baomiju"]
    assert "其上级不在导出中" in errors["/gone/xiazai-xieyi-moban"]
    assert not PortalPage.objects.filter(slug__in=["guojia-baomiju", "xiazai-xieyi-moban"]).exists()


def test_broken_json_in_one_item_file(run_import, variant):
    """The exporter's one-file-per-item layout: a broken file costs only its item."""
    directory = variant()
    items = json.loads((directory / "content.json").read_text(encoding="utf-8"))
    (directory / "content.json").unlink()
    (directory / "content").mkdir()
    for n, item in enumerate(items, 1):
        text = json.dumps(item, ensure_ascii=False)
        if item["@id"].endswith("/guojia-baomiju"):
            text = text[: len(text) // 2]
        (directory / "content" / f"{n}.json").write_text(text, encoding="utf-8")
    result = run_import(directory=directory)
    broken = [p for p in result.errors if "JSON 损坏" in p.message]
    assert len(broken) == 1 and broken[0].where.endswith(".json")
    assert not PortalPage.objects.filter(slug="guojia-baomiju").exists()
    assert PloneItem.objects.exclude(kind="root").count() == 20


def test_truncated_content_json_stops_before_writing(home, variant):
    directory = variant()
    pages = PortalPage.objects.count()
    text = (directory / "content.json").read_text(encoding="utf-8")
    (directory / "content.json").write_text(text[:5000], encoding="utf-8")
    with pytest.raises(CommandError, match=r"content.json 不是有效的 JSON（第 \d+ 行第 \d+ 列）"):
        call_command("import_plone", str(directory), "--no-progress")
    assert not PloneItem.objects.exists()
    assert PortalPage.objects.count() == pages


def test_missing_localroles_refuses_to_guess_access(home, variant):
    def mutate(data):
        data["localroles.json"] = None

    with pytest.raises(CommandError, match=r"缺少 localroles\.json"):
        call_command("import_plone", str(variant(mutate)), "--no-progress")
    assert not PloneItem.objects.exists()
