"""The access report compares Plone's readers with the portal's, item by item, and flags any widening."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from plone_import.mapping import load_mapping
from plone_import.models import PloneItem

from .conftest import SAMPLE


def rows_by_path(result):
    return {row.path: row for row in result.report.rows}


def test_sample_report_has_no_widening(imported):
    rows = rows_by_path(imported)
    assert len(rows) == 22  # 21 items and the news item's lead image
    assert not imported.report.widened
    rnd = rows["/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu"]
    assert rnd.verdict == "same" and rnd.portal == "chenjie, zhangwei"
    check = rows["/xuanchuan/yanfa-baomi-jiancha"]
    assert check.verdict == "same" and check.portal == "chenjie, lina, wangfang"


def test_mapping_onto_a_wider_portal_group_is_flagged(home, department, user_with, tmp_path):
    """Mapping Plone's 研发部 onto an existing department group lets its other members in: the report says so."""
    rnd_department = department(name="研发中心", code="rnd-centre")
    user_with(0, rnd_department, username="outsider")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"groups": {"yanfa": "研发中心"}}), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="有 1 项的访问被放宽"):
        call_command("import_plone", str(SAMPLE), "--mapping", str(mapping), "--no-progress", stdout=out, stderr=err)
    assert "已放宽：/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu" in err.getvalue()
    # The import itself is complete and idempotent; the report is the alarm.
    assert PloneItem.objects.filter(path="/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu").exists()


def test_rules_raise_clearance_and_narrow_scope(run_import, tmp_path, plone_users, verified_client):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        """
[[rules]]
path = "/xuanchuan"
clearance = 1
secrecy_term = "5年"
classification_basis = "本院保密事项一览表 第3项"

[[rules]]
path = "/xiazai"
scope = ["baomiban"]
""",
        encoding="utf-8",
    )
    result = run_import(mapping=load_mapping(mapping))
    assert not result.errors
    rows = rows_by_path(result)
    assert not result.report.widened
    assert rows["/xuanchuan/baomi-jiangzuo-2026"].verdict == "narrower"
    assert rows["/xiazai/baomi-xieyi-moban.txt"].verdict == "narrower"
    assert rows["/xiazai/baomi-xieyi-moban.txt"].portal == "lina"
    event = PloneItem.objects.get(path="/xuanchuan/baomi-jiangzuo-2026").page.specific
    assert event.effective_clearance == 1 and event.marking == "秘密★5年"
    assert event.slug.startswith("m-")  # classified pages get neutral slugs
    users = plone_users()
    assert verified_client(users["chenjie"]).get(event.url).status_code == 403
    document = PloneItem.objects.get(path="/xiazai/baomi-xieyi-moban.txt").document
    assert verified_client(users["lina"]).get(document.url).status_code == 200
    assert verified_client(users["wangfang"]).get(document.url).status_code == 403
    # The old path still leads to the renamed page.
    response = verified_client(users["chenjie"]).get("/xuanchuan/baomi-jiangzuo-2026/")
    assert response.status_code in (301, 302)


def test_report_csv_and_progress_bar(imported, tmp_path):
    target = tmp_path / "report.csv"
    err = StringIO()
    call_command("import_plone", str(SAMPLE), "--report", str(target), "--progress", stdout=StringIO(), stderr=err)
    assert "\r[########################################] 21/21\n" in err.getvalue()
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("path,type,verdict")
    assert len(lines) == 23
