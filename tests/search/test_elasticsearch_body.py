"""The Elasticsearch backend's requests, checked without a server: mapping, access filter, expansion, facets.

The bodies come from the same pure functions the backend sends, and the plans from the real query understanding
(jieba, the thesaurus in the test database). An unreachable server must make search answer from the embedded
index, flagged as degraded.
"""

import json
from datetime import datetime

import pytest
from django.utils import timezone

from portal.access import Viewer
from portal.enums import Clearance
from search.backends import (
    SORT_DATE,
    Filters,
    SearchUnavailable,
    _elasticsearch_backend,
)
from search.backends.elastic import (
    OPEN_SCOPE,
    ElasticsearchBackend,
    facets_from_aggregations,
    index_mapping,
    scope_values,
    search_body,
    suggest_body,
    suggestions_from_aggregations,
    unit_document,
)
from search.backends.embedded import facets_from_groups
from search.query import ALTERNATIVE_TIE_BREAKER, plan_query
from search.services.indexing import UnitData

UNREACHABLE = "http://127.0.0.1:9"
LOW = Viewer(user_id=1, clearance=Clearance.INTERNAL, group_ids=frozenset())
HIGH = Viewer(user_id=2, clearance=Clearance.TOP_SECRET, group_ids=frozenset({3, 17}))


@pytest.fixture(autouse=True)
def _fresh_backend_cache():
    _elasticsearch_backend.cache_clear()
    yield
    _elasticsearch_backend.cache_clear()


def walk(node):
    """Every dict inside a request body."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def top_filter(body):
    return body["query"]["bool"]["filter"]


def required_bool(body):
    """The bool whose should-clauses are the plan's required clauses (inside any coordination wrapper)."""
    candidates = [
        node["bool"] for node in walk(body["query"]) if "bool" in node and "minimum_should_match" in node["bool"]
    ]
    assert len(candidates) == 1
    return candidates[0]


def alternatives(dis_max):
    """{(terms…): boost} of a clause's alternatives."""
    result = {}
    for query in dis_max["dis_max"]["queries"]:
        terms = tuple(term["term"]["terms"]["value"] for term in query["bool"]["must"])
        result[terms] = query["bool"]["boost"]
    return result


# -- mapping and documents ------------------------------------------------------------------------------------


def test_the_mapping_analyses_display_text_with_cjk_and_matches_on_pre_analysed_terms():
    mapping = index_mapping()
    properties = mapping["properties"]
    for name in ("title", "heading", "text"):
        assert properties[name] == {**properties[name], "type": "text", "analyzer": "cjk"}
    assert properties["title"]["fields"]["raw"]["type"] == "keyword"
    assert properties["terms"]["type"] == "text" and properties["terms"]["analyzer"] == "whitespace"
    for name in ("kind", "key", "source", "department", "regulation_title", "scope"):
        assert properties[name]["type"] == "keyword"
    for name in ("regulation_id", "effective_clearance", "position"):
        assert properties[name]["type"] == "integer"
    assert properties["date"]["type"] == "date"
    assert mapping["dynamic"] == "strict"  # a document can never add an unanalysed field by accident


def test_scope_keys_become_the_keyword_array_the_filter_matches():
    assert scope_values("") == [OPEN_SCOPE]
    assert scope_values(",3,17,") == ["3", "17"]
    assert scope_values(",") == []  # nobody: no value can match the viewer's terms


def test_a_document_carries_the_same_index_terms_as_the_embedded_index_weighted_by_field():
    unit = UnitData(
        key="page:9",
        kind="page",
        title="涉密载体管理",
        text="涉密载体应当登记。",
        url="/p/",
        effective_clearance=Clearance.SECRET,
        effective_scope=",5,",
        weighted_fields=[("涉密载体管理", 3.0), ("涉密载体应当登记。", 1.0)],
    )
    document = unit_document("page:9", unit)
    tokens = document["terms"].split()
    weights = unit.term_weights()
    assert set(tokens) == set(weights)
    assert tokens.count("涉密载体") == round(weights["涉密载体"]) == 4  # 3 from the title, 1 from the text
    assert tokens.count("~登记") == 1
    assert document["scope"] == ["5"] and document["effective_clearance"] == Clearance.SECRET
    assert document["source"] == "page:9" and document["key"] == "page:9"


# -- access ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", [LOW, HIGH], ids=["internal-no-groups", "top-secret-two-groups"])
def test_the_query_filter_holds_the_clearance_range_and_the_scope_terms(viewer):
    body = search_body(viewer, plan_query("涉密载体"), with_facets=True)
    filters = top_filter(body)
    assert {"range": {"effective_clearance": {"lte": int(viewer.clearance)}}} in filters
    scope = [clause["terms"]["scope"] for clause in filters if "terms" in clause]
    assert scope == [[OPEN_SCOPE, *sorted(str(gid) for gid in viewer.group_ids)]]
    assert "post_filter" not in body  # nothing may narrow access after the aggregations ran


@pytest.mark.django_db
def test_there_is_one_scope_clause_however_many_groups_and_private_items():
    viewer = Viewer(user_id=3, clearance=Clearance.SECRET, group_ids=frozenset(range(1, 1500)))
    for body in (search_body(viewer, plan_query("涉密载体 保密 泄露"), with_facets=True), suggest_body(viewer, "涉密")):
        scope_clauses = [node for node in walk(body) if "scope" in node]
        assert len(scope_clauses) == 1
        assert len(scope_clauses[0]["scope"]) == 1500  # "*open*" and the 1,499 groups in one terms clause
        assert len([node for node in walk(body) if "effective_clearance" in node]) == 1


# -- query understanding ---------------------------------------------------------------------------------------


def test_a_thesaurus_term_expands_into_weighted_alternatives(thesaurus):
    thesaurus({"跳槽": ("离职,辞职", 0.8)})
    plan = plan_query("跳槽")
    body = search_body(LOW, plan)
    required = required_bool(body)
    assert len(required["should"]) == 1
    assert alternatives(required["should"][0]) == {("跳槽",): 1.0, ("离职",): 0.8, ("辞职",): 0.8}
    # The best alternative plus a share of the others, the same rule as the embedded backend.
    assert required["should"][0]["dis_max"]["tie_breaker"] == ALTERNATIVE_TIE_BREAKER > 0


def test_a_word_outside_the_index_dictionary_requires_all_of_its_bigrams(thesaurus):
    thesaurus({"小硬盘": ("移动存储介质", 0.9)})
    body = search_body(LOW, plan_query("小硬盘"))
    (clause,) = required_bool(body)["should"]
    # One alternative needs both bigrams (each scoring half), the dictionary word is matched whole.
    assert alternatives(clause) == {("~小硬", "~硬盘"): 0.5, ("移动存储介质",): 0.9}
    assert [len(query["bool"]["must"]) for query in clause["dis_max"]["queries"]] == [2, 1]


@pytest.mark.django_db
def test_minimum_should_match_follows_the_relaxed_plan_and_optional_words_only_add_score():
    plan = plan_query("公司 涉密载体 泄露 保密")
    assert len(plan.required) == 3 and len(plan.clauses) == 4
    body = search_body(LOW, plan)
    required = required_bool(body)
    assert required["minimum_should_match"] == plan.min_required(relaxed=True) == 2
    required_words = {next(iter(alternatives(clause)))[0] for clause in required["should"]}
    assert required_words == {"涉密载体", "泄露", "保密"}
    outer = next(
        node["bool"]
        for node in walk(body["query"])
        if "bool" in node and {"bool": required} in node["bool"].get("must", [])
    )
    assert [next(iter(alternatives(clause)))[0] for clause in outer["should"]] == ["公司"]
    # Units matching every required word rank first: the score is scaled by (matched / required)², one function
    # per required clause in each of two nested function_score layers.
    layers = [node["function_score"] for node in walk(body["query"]) if "function_score" in node]
    assert len(layers) == 2
    assert all(len(layer["functions"]) == 3 and layer["boost_mode"] == "multiply" for layer in layers)


@pytest.mark.django_db
def test_a_single_word_needs_that_word():
    body = search_body(LOW, plan_query("涉密载体"))
    assert required_bool(body)["minimum_should_match"] == 1
    assert not [node for node in walk(body) if "function_score" in node]


# -- facets, sorting, pagination ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_facet_choices_are_filters_next_to_the_access_filter():
    body = search_body(
        LOW, plan_query("涉密载体"), Filters(kind="article", regulation_id=12, department="保密办", year=2024)
    )
    narrowing = body["post_filter"]["bool"]["filter"]
    start = timezone.make_aware(datetime(2024, 1, 1)).isoformat()
    end = timezone.make_aware(datetime(2025, 1, 1)).isoformat()
    assert {"term": {"kind": "article"}} in narrowing
    assert {"term": {"regulation_id": 12}} in narrowing
    assert {"term": {"department": "保密办"}} in narrowing
    assert {"range": {"date": {"gte": start, "lt": end}}} in narrowing
    assert {"range": {"effective_clearance": {"lte": 0}}} in top_filter(body)


@pytest.mark.django_db
def test_facets_are_aggregations_of_the_filtered_query_only_when_asked():
    plan = plan_query("涉密载体")
    assert "aggs" not in search_body(LOW, plan)
    body = search_body(LOW, plan, with_facets=True)
    assert set(body["aggs"]) == {"kind", "regulation", "department", "year"}
    assert body["aggs"]["year"]["date_histogram"]["calendar_interval"] == "year"
    assert body["aggs"]["year"]["date_histogram"]["time_zone"] == "Asia/Shanghai"  # the filter's local years
    assert body["aggs"]["regulation"]["aggs"]["title"]["terms"]["field"] == "regulation_title"


def test_aggregations_become_the_same_facets_as_the_embedded_backend():
    aggregations = {
        "kind": {"buckets": [{"key": "article", "doc_count": 5}, {"key": "page", "doc_count": 2}]},
        "regulation": {
            "buckets": [
                {"key": 12, "doc_count": 4, "title": {"buckets": [{"key": "保密法", "doc_count": 4}]}},
                {"key": 30, "doc_count": 1, "title": {"buckets": [{"key": "保密条例", "doc_count": 1}]}},
            ]
        },
        "department": {"buckets": [{"key": "保密办", "doc_count": 6}, {"key": "", "doc_count": 1}]},
        "year": {
            "buckets": [
                {"key_as_string": "2023", "doc_count": 3},
                {"key_as_string": "2024", "doc_count": 0},
                {"key_as_string": "2025", "doc_count": 4},
            ]
        },
    }
    rows = [
        ("article", 12, "保密法", "保密办", 2023, 3),
        ("article", 12, "保密法", "保密办", 2025, 1),
        ("article", 30, "保密条例", "保密办", 2025, 1),
        ("page", None, "", "保密办", 2025, 1),
        ("page", None, "", "", 2025, 1),
    ]
    assert facets_from_aggregations(aggregations) == facets_from_groups(rows)


@pytest.mark.django_db
def test_sorting_and_pagination():
    plan = plan_query("涉密载体")
    by_date = search_body(LOW, plan, sort=SORT_DATE, offset=20, limit=10)
    assert by_date["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}
    assert (by_date["from"], by_date["size"], by_date["track_total_hits"]) == (20, 10, True)
    assert search_body(LOW, plan)["sort"][0] == "_score"
    assert "terms" in search_body(LOW, plan)["_source"]["excludes"]


def test_suggestions_are_access_filtered_and_distinct():
    body = suggest_body(HIGH, "保密*")
    assert {"range": {"effective_clearance": {"lte": 3}}} in top_filter(body)
    assert {"terms": {"scope": [OPEN_SCOPE, "17", "3"]}} in top_filter(body)
    assert body["size"] == 0
    patterns = [node["wildcard"] for node in walk(body) if "wildcard" in node]
    assert patterns and all(next(iter(p.values()))["value"] == "*保密\\**" for p in patterns)
    aggregations = {
        "regulations": {"titles": {"buckets": [{"key": "保密法"}, {"key": "保密条例"}]}},
        "others": {"titles": {"buckets": [{"key": "保密法"}, {"key": "保密须知"}]}},
    }
    assert suggestions_from_aggregations(aggregations) == ["保密法", "保密条例", "保密须知"]
    assert json.dumps(body)  # a plain JSON body


# -- an unreachable server -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unreachable_server_raises_search_unavailable():
    backend = ElasticsearchBackend(url=UNREACHABLE, index_name="units-unreachable")
    plan = plan_query("涉密载体")
    with pytest.raises(SearchUnavailable):
        backend.search(LOW, plan)
    with pytest.raises(SearchUnavailable):
        backend.suggest(LOW, "涉密")
    with pytest.raises(SearchUnavailable):
        backend.replace_source("page:1", [])
    with pytest.raises(SearchUnavailable):
        backend.reset()
    # No viewer or nothing to look for: answered without asking the server.
    assert backend.search(None, plan).total == 0
    assert backend.search(LOW, plan_query("的吗")).hits == []
    assert backend.suggest(None, "涉密") == []


@pytest.mark.django_db
def test_the_selector_answers_from_the_embedded_index_when_elasticsearch_is_down(settings, page_at, user_with):
    from search.selectors import search_for, suggestions_for
    from search.services.indexing import page_index

    settings.SEARCH_BACKEND = "embedded"
    visible = page_at(title="涉密载体管理规定")
    hidden = page_at(title="涉密载体机密规定", clearance=Clearance.CONFIDENTIAL)
    page_index(visible.pk)
    page_index(hidden.pk)

    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = UNREACHABLE
    reader = user_with(Clearance.INTERNAL)
    reader.is_verified = lambda: True

    results, _plan = search_for(user=reader, query="涉密载体", with_facets=True)
    assert results.degraded is True and results.backend == "embedded"
    assert [hit.key for hit in results.hits] == [f"page:{visible.pk}"]
    assert results.total == 1
    assert suggestions_for(user=reader, prefix="涉密载体") == ["涉密载体管理规定"]
