import datetime
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from policies.diffing import ADDED, CHANGED, REMOVED, SAME, articles_diff
from policies.models import Acknowledgement, RegulationPage
from policies.services.versions import body_chapters
from portal.enums import Clearance

from .conftest import body_of

pytestmark = pytest.mark.django_db


def test_a_new_internal_user_reads_every_regulation_and_every_article(regulation, user_with, verified_client):
    """O01 深圳条例 第十一条: a brand-new 内部 user with no 知悉范围 sees the index, every regulation and every 条."""
    page = regulation(title="深圳经济特区企业技术秘密保护条例")
    client = verified_client(user_with(Clearance.INTERNAL))
    index = client.get(page.get_parent().url)
    assert index.status_code == 200 and "深圳经济特区企业技术秘密保护条例" in index.content.decode()
    full = client.get(page.url).content.decode()
    assert "第一章 总则" in full and 'id="第三条"' in full
    for article in page.articles:
        response = client.get(page.url + quote(article["key"]) + "/")
        assert response.status_code == 200
        assert article["clauses"][0] in response.content.decode()


def test_an_article_address_survives_republication(regulation, publish, user_with, verified_client):
    """Each 条 has a stable URL: after a new version, …/第二条/ still shows 第二条 (with its new text)."""
    page = regulation()
    url = page.url + quote("第二条") + "/"
    publish(page, articles=[("第一条", "第一条。"), ("第二条", "修订后的第二条文本。")])
    response = verified_client(user_with(0)).get(url)
    assert response.status_code == 200 and "修订后的第二条文本。" in response.content.decode()
    assert verified_client(user_with(0)).get(page.url + quote("第九十九条") + "/").status_code == 404


def test_regulation_text_must_stay_internal_and_unscoped(regulation, department):
    """O01 深圳条例 第十一条: publishing a regulation body above 内部, or with a 知悉范围, is a validation error."""
    page = regulation()
    page.clearance = Clearance.SECRET
    page.secrecy_term = "1年"
    page.classification_basis = "测试"
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "clearance" in error.value.message_dict
    page.clearance = Clearance.INTERNAL
    page.scope = [department().group]
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "scope" in error.value.message_dict


def test_status_follows_effective_and_repeal_dates(regulation, user_with, verified_client):
    """O05 技术保密管理规定 第二十九条; 科学技术保密规定 第四十三条: 现行有效/尚未施行/已废止; the index filters."""
    today = timezone.localdate()
    future = regulation(title="将来施行的办法", effective_on=today + datetime.timedelta(days=30))
    repealed = regulation(
        title="1995年科学技术保密规定",
        effective_on=datetime.date(1995, 1, 6),
        repealed_on=datetime.date(2015, 11, 16),
        repeal_note="由《科学技术保密规定》第四十三条废止",
    )
    current = regulation(title="现行制度")
    assert (future.status, repealed.status, current.status) == ("not_yet", "repealed", "in_force")
    client = verified_client(user_with(0))
    assert "尚未施行" in client.get(future.url).content.decode()
    page = client.get(repealed.url).content.decode()
    assert "已废止" in page and "第四十三条废止" in page
    index_url = current.get_parent().url
    in_force = client.get(index_url).content.decode()
    assert "现行制度" in in_force and "1995年科学技术保密规定" not in in_force
    assert "1995年科学技术保密规定" in client.get(index_url + "?status=repealed").content.decode()


def test_version_history_and_article_by_article_comparison(regulation, publish, user_with, verified_client):
    page = regulation(articles=[("第一条", "甲乙丙"), ("第二条", "将被删除"), ("第三条", "不变")])
    publish(page, articles=[("第一条", "甲乙丁"), ("第三条", "不变"), ("第四条", "新增条款")], change_note="修订")
    client = verified_client(user_with(0))
    history = client.get(page.url + "versions/").content.decode()
    assert "v1" in history and "v2" in history and "修订" in history
    compare = client.get(page.url + "compare/?from=1&to=2").content.decode()
    assert "<del>丙</del><ins>丁</ins>" in compare
    assert "新增条款" in compare and "将被删除" in compare
    assert 'class="article diff diff-same"' not in compare  # unchanged articles hidden by default
    assert client.get(page.url + "compare/?from=1&to=9").status_code == 404


def test_articles_diff_marks_added_changed_removed_in_reading_order():
    old = body_chapters_of([("第一条", "A"), ("第二条", "B"), ("第三条", "C")])
    new = body_chapters_of([("第一条", "A"), ("第三条", "C2"), ("第四条", "D")])
    changes = [(c.key, c.status) for c in articles_diff(old, new)]
    assert changes == [("第一条", SAME), ("第二条", REMOVED), ("第三条", CHANGED), ("第四条", ADDED)]


def body_chapters_of(articles):
    page = RegulationPage(title="x", body=body_of(articles))
    return body_chapters(page.body)


def test_repeated_item_labels_keep_distinct_addresses():
    chapters = body_chapters_of([("一、", "甲"), ("1、", "乙"), ("二、", "丙"), ("1、", "丁")])
    assert [a["key"] for a in chapters[0]["articles"]] == ["一", "1", "二", "1-2"]


def test_repealing_closes_open_acknowledgements(regulation, publish, user_with):
    user_with(0)
    page = regulation()
    assert Acknowledgement.objects.open().filter(version__regulation=page).exists()
    publish(page, repealed_on=timezone.localdate(), repeal_note="废止")
    assert not Acknowledgement.objects.open().filter(version__regulation=page).exists()


def test_article_keys_stay_unique_even_when_an_editor_types_a_suffix():
    chapters = body_chapters_of([("第三条-2", "甲"), ("第三条", "乙"), ("第三条、", "丙")])
    keys = [a["key"] for a in chapters[0]["articles"]]
    assert len(set(keys)) == 3
    old = body_chapters_of([("第三条", "乙")])
    assert {c.status for c in articles_diff(old, chapters)} == {ADDED, SAME}
    assert len(articles_diff(old, chapters)) == 3  # no article hidden from the comparison


def test_regulations_cannot_sit_under_a_classified_section(regulation, page_at, policy_index):
    """O01: the 保密制度 index itself stays 内部 and open; moved under a classified section it fails validation."""
    section = page_at(kind="section", clearance=Clearance.SECRET)
    policy_index.move(section, pos="last-child")
    policy_index.refresh_from_db()
    with pytest.raises(ValidationError):
        policy_index.full_clean()
