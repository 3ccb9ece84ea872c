"""The Elasticsearch backend against a real server: nothing a viewer may not open reaches hits, totals, facets or
suggestions, and query understanding matches the embedded backend's. Runs only when ELASTICSEARCH_URL is set; each
run writes to its own index and drops it afterwards.
"""

import os
import uuid
from datetime import datetime

import pytest
from django.utils import timezone

from portal.access import Viewer
from portal.enums import Clearance
from search.backends import SORT_DATE, Filters
from search.backends.elastic import ElasticsearchBackend
from search.query import plan_query
from search.services.indexing import UnitData

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not ELASTICSEARCH_URL, reason="set ELASTICSEARCH_URL to run against a live Elasticsearch 9"),
    pytest.mark.django_db,
]

GROUP = 42
WORD = "涉密载体"
LOW = Viewer(user_id=1, clearance=Clearance.INTERNAL, group_ids=frozenset())
CLEARED = Viewer(user_id=2, clearance=Clearance.TOP_SECRET, group_ids=frozenset({GROUP}))


def unit(key, title, *, clearance=Clearance.INTERNAL, scope="", kind="page", year=2024, department="", **extra):
    text = extra.pop("text", f"关于{WORD}的登记和销毁要求。")
    return UnitData(
        key=key,
        kind=kind,
        title=title,
        text=text,
        url=f"/{key.replace(':', '/')}/",
        effective_clearance=clearance,
        effective_scope=scope,
        date=timezone.make_aware(datetime(year, 6, 1)),
        department=department,
        weighted_fields=[(title, 3.0), (text, 1.0)],
        **extra,
    )


# The open items, then the classified or scoped ones a low-clearance viewer must never learn about.
OPEN_ARTICLES = [
    unit(
        f"article:10:a{n}",
        f"涉密载体管理办法 第{n}条",
        kind="article",
        regulation_id=10,
        regulation_title="涉密载体管理办法",
        label=f"第{n}条",
        position=n,
        year=2023,
        department="保密办",
        page_id=10,
    )
    for n in (1, 2)
]
OPEN_PAGE = unit("page:11", "涉密载体公开须知", department="保密办", page_id=11)
SECRET_PAGE = unit(
    "page:12", "涉密载体机密通知", clearance=Clearance.CONFIDENTIAL, year=2025, department="科研部", page_id=12
)
SCOPED_PAGE = unit("page:13", "涉密载体项目组通知", scope=f",{GROUP},", year=2022, department="项目组", page_id=13)
NOBODY_DOCUMENT = unit("document:14", "涉密载体无人可见", kind="document", scope=",", document_id=14)
TRAP_PAGE = unit("page:15", "公司机密守则", text="公司机密不得外传。", page_id=15)

HIDDEN_FROM_LOW = {SECRET_PAGE.key, SCOPED_PAGE.key, NOBODY_DOCUMENT.key}
HIDDEN_TITLES = {SECRET_PAGE.title, SCOPED_PAGE.title, NOBODY_DOCUMENT.title}


@pytest.fixture
def backend():
    backend = ElasticsearchBackend(url=ELASTICSEARCH_URL, index_name=f"test-units-{uuid.uuid4().hex[:12]}")
    backend.reset()
    backend.replace_source("page:10", OPEN_ARTICLES)
    for data in (OPEN_PAGE, SECRET_PAGE, SCOPED_PAGE, TRAP_PAGE):
        backend.replace_source(f"page:{data.page_id}", [data])
    backend.replace_source("document:14", [NOBODY_DOCUMENT])
    yield backend
    backend.client.options(ignore_status=404).indices.delete(index=backend.index_name)


def search(backend, viewer, query=WORD, **kwargs):
    return backend.search(viewer, plan_query(query), with_facets=True, **kwargs)


def test_a_low_clearance_viewer_sees_only_open_items_in_hits_totals_facets_and_suggestions(backend):
    results = search(backend, LOW)
    keys = {hit.key for hit in results.hits}
    assert keys == {OPEN_ARTICLES[0].key, OPEN_ARTICLES[1].key, OPEN_PAGE.key}
    assert results.total == 3 and results.backend == "elasticsearch"
    assert sum(count for _kind, count in results.facets["kind"]) == 3
    assert dict(results.facets["department"]) == {"保密办": 3}
    assert dict(results.facets["year"]) == {2024: 1, 2023: 2}
    assert results.facets["regulation"] == [(10, "涉密载体管理办法", 2)]
    suggestions = backend.suggest(LOW, WORD)
    assert set(suggestions) == {"涉密载体管理办法", OPEN_PAGE.title}
    assert not HIDDEN_TITLES & set(suggestions)


def test_a_cleared_viewer_in_the_group_gets_the_classified_and_scoped_items_but_never_the_nobody_one(backend):
    results = search(backend, CLEARED)
    keys = {hit.key for hit in results.hits}
    assert keys == {OPEN_ARTICLES[0].key, OPEN_ARTICLES[1].key, OPEN_PAGE.key, SECRET_PAGE.key, SCOPED_PAGE.key}
    assert results.total == 5
    assert dict(results.facets["department"]) == {"保密办": 3, "科研部": 1, "项目组": 1}
    secret = next(hit for hit in results.hits if hit.key == SECRET_PAGE.key)
    assert secret.effective_clearance == Clearance.CONFIDENTIAL and secret.url == "/page/12/"
    assert set(backend.suggest(CLEARED, WORD)) == {
        "涉密载体管理办法",
        OPEN_PAGE.title,
        SECRET_PAGE.title,
        SCOPED_PAGE.title,
    }


def test_a_cleared_viewer_outside_the_group_does_not_see_the_scoped_item(backend):
    outsider = Viewer(user_id=3, clearance=Clearance.TOP_SECRET, group_ids=frozenset({GROUP + 1}))
    results = search(backend, outsider)
    assert SCOPED_PAGE.key not in {hit.key for hit in results.hits}
    assert results.total == 4
    assert SCOPED_PAGE.title not in backend.suggest(outsider, WORD)


def test_facet_filters_sorting_and_pagination(backend):
    articles = search(backend, CLEARED, filters=Filters(kind="article"))
    assert {hit.key for hit in articles.hits} == {unit.key for unit in OPEN_ARTICLES}
    assert articles.total == 2
    assert sum(count for _kind, count in articles.facets["kind"]) == 5  # facets count the whole query
    assert search(backend, CLEARED, filters=Filters(year=2025)).total == 1
    assert search(backend, LOW, filters=Filters(year=2025)).total == 0
    assert search(backend, LOW, filters=Filters(department="科研部")).total == 0
    by_date = search(backend, CLEARED, sort=SORT_DATE)
    assert [hit.date.year for hit in by_date.hits] == sorted((hit.date.year for hit in by_date.hits), reverse=True)
    second = search(backend, CLEARED, offset=2, limit=2)
    assert len(second.hits) == 2 and second.total == 5


def test_query_understanding_is_the_embedded_one(backend):
    """司机 occurs in 公司机密 only across a word boundary: no hit, as in the embedded index."""
    assert search(backend, CLEARED, "司机").total == 0
    assert {hit.key for hit in search(backend, LOW, "公司机密").hits} == {TRAP_PAGE.key}


def test_replacing_a_source_removes_its_old_units(backend):
    backend.replace_source("page:12", [])
    assert SECRET_PAGE.key not in {hit.key for hit in search(backend, CLEARED).hits}
    backend.replace_source("page:10", OPEN_ARTICLES[:1])
    assert {hit.key for hit in search(backend, LOW).hits} == {OPEN_ARTICLES[0].key, OPEN_PAGE.key}
