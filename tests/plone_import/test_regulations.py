"""Regulations: a mapping rule turns Plone Documents into structured 制度 (章/条), parsed by policies' own parser."""

import json

import pytest

from plone_import.mapping import MappingError, load_mapping
from plone_import.models import PloneItem
from policies.models import PolicyIndexPage, PolicyVersion, RegulationPage

ZONGZE = "/guizhang/kexue-jishu-baomi-guiding-zongze"
BANFA = "/guizhang/jishu-baomi-guanli-banfa"


def mapping_with(tmp_path, kinds):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"kinds": kinds}, ensure_ascii=False), encoding="utf-8")
    return load_mapping(path)


@pytest.fixture
def regulation_mapping(tmp_path):
    return mapping_with(
        tmp_path,
        [
            {"path": "/guizhang", "type": "Document", "subject": "总则", "kind": "regulation"},
            {"path": BANFA, "type": "Document", "kind": "regulation"},
        ],
    )


def test_mapped_documents_become_structured_regulations(run_import, regulation_mapping, plone_users, verified_client):
    result = run_import(mapping=regulation_mapping)
    assert not result.errors, [str(p) for p in result.errors]
    assert result.counts["regulation created"] == 2

    zongze = RegulationPage.objects.get(pk=PloneItem.objects.get(path=ZONGZE).page_id)
    assert zongze.title == "科学技术保密规定 总则" or zongze.title.startswith("科学技术保密规定")
    assert isinstance(zongze.get_parent().specific, PolicyIndexPage)
    assert zongze.live and not zongze.ack_required
    blocks = [(block.block_type, block.value) for block in zongze.body]
    assert blocks[0][0] == "chapter" and blocks[0][1]["label"] == "第一章"
    articles = [value for kind, value in blocks if kind == "article"]
    assert [a["label"] for a in articles[:3]] == ["第一条", "第二条", "第三条"]
    assert articles[0]["clauses"][0].startswith("为保障国家科学技术秘密安全")
    # Publishing went through policies' own path: version 1 is recorded.
    assert PolicyVersion.objects.filter(regulation=zongze).count() == 1

    banfa = RegulationPage.objects.get(pk=PloneItem.objects.get(path=BANFA).page_id)
    assert banfa.get_parent().pk == zongze.get_parent().pk
    # The other documents of the folder stay content pages.
    assert not RegulationPage.objects.filter(title__contains="规章说明").exists()

    # The old Plone address leads to the regulation.
    client = verified_client(plone_users()["chenjie"])
    response = client.get(ZONGZE, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == zongze.url

    again = run_import(mapping=regulation_mapping)
    assert not again.changes and again.counts["regulation unchanged"] == 2
    assert RegulationPage.objects.count() == 2 and PolicyVersion.objects.count() == 2


def test_a_document_without_articles_fails_alone(run_import, tmp_path):
    mapping = mapping_with(
        tmp_path, [{"path": "/guizhang/guizhang-shuoming", "type": "Document", "kind": "regulation"}]
    )
    result = run_import(mapping=mapping)
    errors = {p.where: p.message for p in result.errors}
    assert "没有可结构化的条款" in errors["/guizhang/guizhang-shuoming"]
    assert not PloneItem.objects.filter(path="/guizhang/guizhang-shuoming").exists()
    assert not RegulationPage.objects.exists()
    assert PloneItem.objects.filter(path=ZONGZE).exists()


def test_only_documents_may_become_regulations(tmp_path):
    with pytest.raises(MappingError, match="Folder"):
        mapping_with(tmp_path, [{"path": "/guizhang", "type": "Folder", "kind": "regulation"}])


def test_a_restricted_document_stays_a_content_page(run_import, tmp_path):
    """O01 深圳条例 第十一条: a regulation is open to all staff, so a Document Plone kept private cannot become one."""
    mapping = mapping_with(
        tmp_path, [{"path": "/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu", "type": "Document", "kind": "regulation"}]
    )
    result = run_import(mapping=mapping)
    assert not result.errors, [str(p) for p in result.errors]
    warnings = {p.where: p.message for p in result.problems if p.level == "warning"}
    assert "不是全员可读" in warnings["/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu"]
    record = PloneItem.objects.get(path="/guizhang/bumen/rnd/jishu-renyuan-baomi-zhidu")
    assert not RegulationPage.objects.exists()
    assert record.page.specific.effective_scope != ""


def test_dry_run_shows_the_regulation_decision_and_writes_nothing(home, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from .conftest import SAMPLE

    (tmp_path / "mapping.json").write_text(
        json.dumps({"kinds": [{"path": BANFA, "type": "Document", "kind": "regulation"}]}), encoding="utf-8"
    )
    out, err = StringIO(), StringIO()
    call_command(
        "import_plone", str(SAMPLE), "--dry-run", "--mapping", str(tmp_path / "mapping.json"), stdout=out, stderr=err
    )
    assert f"{BANFA} [regulation, live]" in out.getvalue()
    assert "regulation create: 1" in out.getvalue()
    assert not RegulationPage.objects.exists() and not PloneItem.objects.exists()
