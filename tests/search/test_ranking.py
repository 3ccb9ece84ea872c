"""How the embedded backend ranks, pages, sorts and filters: what a reader sees on the results page.

Runs on SQLite and on PostgreSQL (CI runs the suite on both). Pages are published through the real path, so the
index is written by the same on-commit tasks a publish runs.
"""

from datetime import datetime

import pytest
from django.utils import timezone

from home.models import ArticlePage
from portal.access import viewer_for
from portal.enums import Clearance
from search.backends import SORT_DATE, Filters
from search.backends.embedded import EmbeddedBackend
from search.query import plan_query
from search.selectors import search_for
from search.services.indexing import page_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(user_with):
    user = user_with(Clearance.INTERNAL)
    user.is_verified = lambda: True
    return user


@pytest.fixture
def publish(home, indexed):
    def make(title, summary, clearance=Clearance.INTERNAL, slug=None):
        def build():
            page = ArticlePage(
                title=title,
                summary=summary,
                slug=slug or f"r{ArticlePage.objects.count()}",
                clearance=clearance,
                secrecy_term="5年" if clearance else "",
                classification_basis="测试定密依据" if clearance else "",
            )
            home.add_child(instance=page)
            page.save_revision().publish()
            return page

        return indexed(build)

    return make


def titles(results):
    return [hit.title for hit in results.hits]


def test_pages_of_results_do_not_overlap_and_keep_the_same_total(publish, reader):
    """O01 深圳条例 第十一条: every matching 条 is reachable page by page, each once."""
    for n in range(7):
        publish(f"涉密载体登记{n}", "涉密载体应当登记。" + "说明。" * n)
    publish("秘密文件", "涉密载体不得私自携带。", clearance=Clearance.SECRET)  # not for this reader
    pages = [search_for(user=reader, query="涉密载体", page=number, per_page=3)[0] for number in (1, 2, 3, 4)]
    assert [results.total for results in pages] == [7, 7, 7, 7]
    seen = [title for results in pages for title in titles(results)]
    assert sorted(seen) == sorted(f"涉密载体登记{n}" for n in range(7))
    assert titles(pages[3]) == []  # past the end: no hits, the total still right


def test_scores_decrease_down_the_list_and_the_shortest_match_comes_first(publish, reader):
    publish("保密检查", "本年度开展保密检查，" + "各部门按照计划完成相关工作，" * 6)
    publish("保密检查通知", "开展保密检查。")
    results, _plan = search_for(user=reader, query="保密检查")
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    assert titles(results)[0] == "保密检查通知"


def test_sorting_by_date_puts_the_newest_first(publish, reader):
    old = publish("旧的涉密载体规定", "涉密载体管理。")
    new = publish("新的涉密载体规定", "涉密载体管理。" + "补充。" * 5)
    ArticlePage.objects.filter(pk=old.pk).update(last_published_at="2020-01-01T00:00:00Z")
    page_index(old.pk)
    viewer_results, _plan = search_for(user=reader, query="涉密载体", sort=SORT_DATE)
    assert titles(viewer_results) == [new.title, old.title]


def test_a_year_filter_narrows_hits_and_total_together(publish, reader):
    old = publish("旧的涉密载体规定", "涉密载体管理。")
    publish("新的涉密载体规定", "涉密载体管理。")
    ArticlePage.objects.filter(pk=old.pk).update(last_published_at="2020-06-01T00:00:00Z")
    page_index(old.pk)
    results, _plan = search_for(user=reader, query="涉密载体", filters=Filters(year=2020))
    assert (results.total, titles(results)) == (1, [old.title])


def test_a_page_dated_new_years_day_counts_in_its_own_year_in_facet_and_filter(publish, reader):
    """The year facet and the year filter agree: a 1 January date (local midnight, the previous year in UTC) is
    counted and found under its own year, so choosing a year the facet offers never shows an empty page."""
    new_year = publish("元旦生效的涉密载体规定", "涉密载体管理。")
    late = publish("年末的涉密载体规定", "涉密载体管理。")
    ArticlePage.objects.filter(pk=new_year.pk).update(last_published_at=_local(2021, 1, 1, 0, 30))
    ArticlePage.objects.filter(pk=late.pk).update(last_published_at=_local(2020, 12, 31, 23, 30))
    page_index(new_year.pk)
    page_index(late.pk)
    results = EmbeddedBackend().search(viewer_for(reader), plan_query("涉密载体"), with_facets=True)
    assert dict(results.facets["year"]) == {2021: 1, 2020: 1}
    for year, title in ((2021, new_year.title), (2020, late.title)):
        found, _plan = search_for(user=reader, query="涉密载体", filters=Filters(year=year))
        assert (found.total, titles(found)) == (1, [title])


def _local(*parts):
    return timezone.make_aware(datetime(*parts))


def test_a_clause_that_matches_several_of_its_synonyms_ranks_above_one_that_matches_one(publish, reader, thesaurus):
    """A unit naming 密级 and its grades is more about 密级 than one that mentions 密级 once (the tie-breaker)."""
    thesaurus({"密级": ("绝密,机密", 0.6)})
    for n in range(4):
        publish(f"保密检查{n}", "开展保密检查。")
    publish("分级说明", "文件的密级分为绝密、机密。")
    publish("文件标识", "文件的密级为绝密。")  # shorter: it would win on its best synonym alone
    plan = plan_query("密级")
    results = EmbeddedBackend().search(viewer_for(reader), plan)
    assert [hit.title for hit in results.hits] == ["分级说明", "文件标识"]


QUERIES_OVER_THE_SEEDS = (
    "保密",
    "密级",
    "离职以后还要保密吗？",
    "发现泄密事件应该向谁报告？",
    "U盘 拷贝",
    "计算机 上网",
    "跳槽 带走图纸",
    "出国参加学术会议需要审批吗",
    "技术秘密 归档 期限",
    "保密协议 违约金 竞业限制 补偿",
    "外来人员 参观 接待 登记",
)


@pytest.mark.parametrize("query", QUERIES_OVER_THE_SEEDS)
def test_reading_only_the_deciding_postings_gives_the_same_hits_and_total_as_reading_all(seed_corpus, reader, query):
    """O01 深圳条例 第十一条: the shortcut that skips postings never loses or reorders a 条 a reader would find."""
    viewer, plan = viewer_for(reader), plan_query(query)
    pruned, full = EmbeddedBackend(), EmbeddedBackend()
    full.prune = False
    for offset in (0, 10):
        fast = pruned.search(viewer, plan, offset=offset, limit=10, with_facets=True)
        slow = full.search(viewer, plan, offset=offset, limit=10, with_facets=True)
        assert fast.total == slow.total and fast.total > 0
        assert [hit.unit_id for hit in fast.hits] == [hit.unit_id for hit in slow.hits]
        assert [round(hit.score, 9) for hit in fast.hits] == [round(hit.score, 9) for hit in slow.hits]
        assert fast.facets == slow.facets
