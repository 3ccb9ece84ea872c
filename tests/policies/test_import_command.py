from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from policies.models import RegulationPage

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "policies" / "seeds"
SHENZHEN = SEEDS / "003_d02bb220a7ceb05b.txt"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_regulation", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_importing_a_seed_creates_a_structured_published_regulation_and_reimport_updates_it(policy_index):
    """O05 深圳条例 header, 第四十一条: dates, 修正 note and the original effective date come from the text."""
    out, _ = run(SHENZHEN)
    assert "5 章, 41 条" in out
    page = RegulationPage.objects.get()
    assert page.live and page.issuer == "深圳市人大常委会" and page.doc_number.startswith("深圳市第六届")
    assert page.effective_on.isoformat() == "2019-11-13" and page.original_effective_on.isoformat() == "1996-01-01"
    assert "第二次修正" in page.preamble
    assert [c["label"] for c in page.chapters] == ["第一章", "第二章", "第三章", "第四章", "第五章"]
    assert page.article_by_key("第十一条")["clauses"][0].startswith("企业可以建立保密制度")
    run(SHENZHEN)
    assert RegulationPage.objects.count() == 1 and page.versions.count() == 1


def test_unparsed_lines_are_reported_with_line_numbers_and_strict_refuses(policy_index, tmp_path):
    text = tmp_path / "rule.txt"
    text.write_text(
        "示例保密办法\n第一章 总则\n第一条 本办法适用于全体员工。\n\n第二条 保密工作人人有责。\n", encoding="utf-8"
    )
    junk = tmp_path / "junk.txt"
    junk.write_text("示例办法\n第一章 总则\n第一条 内容。\n第三条 内容。\n第二章 空章\n", encoding="utf-8")
    out, err = run(text)
    assert "1 章, 2 条" in out and err == ""
    _, err = run(junk, "--dry-run")
    assert "junk.txt:4: 条号不连续" in err and "junk.txt:5: 章下没有条文" in err
    with pytest.raises(CommandError):
        run(junk, "--strict")
    assert not RegulationPage.objects.filter(title="示例办法").exists()


def test_dry_run_changes_nothing_and_a_missing_index_is_a_clear_error(db, home, tmp_path):
    out, _ = run(SHENZHEN, "--dry-run")
    assert "[dry-run] 深圳经济特区企业技术秘密保护条例: 5 章, 41 条" in out
    assert not RegulationPage.objects.exists()
    with pytest.raises(CommandError, match="保密制度栏目"):
        run(SHENZHEN)
