"""The Elasticsearch 9 backend: the same units, query understanding and access rules as the embedded index.

Each unit is one document (id = the unit key). Besides the display fields and `title`/`heading`/`text` analysed
with the built-in `cjk` analyzer, a document carries `terms`: the unit's own index terms from `analysis`
(jieba words and "~" bigrams), whitespace-separated and repeated by their field weight. Queries match on `terms`
only, with the same `QueryPlan` alternatives the embedded backend matches, so a word the index dictionary knows
is matched as that word (司机 does not match 公司机密) and any other word as all of its bigrams.

Access is part of every request: a `bool.filter` with a range on `effective_clearance` and ONE `terms` clause on
`scope` (the unit's group ids, "*open*" when unrestricted, nothing when nobody may read it) against "*open*" plus
the viewer's groups. It never grows with the number of private items. The user's facet choices narrow the hits
through `post_filter`, so the facet counts are those of the whole (access-filtered) query, as in the embedded
backend. Request bodies are built by pure functions (`index_mapping`, `search_body`, `suggest_body`) that the
tests check without a server; any transport or API error becomes `SearchUnavailable`, and the selector then
answers from the embedded index.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from elasticsearch.dsl import Date, Integer, Keyword, Mapping, Q, Search, Text

from portal.models.marking import scope_ids
from search.backends import SORT_DATE, Filters, Hit, SearchResults, SearchUnavailable
from search.models import UnitKind
from search.query import ALTERNATIVE_TIE_BREAKER

logger = logging.getLogger(__name__)

OPEN_SCOPE = "*open*"
CJK = "cjk"
SUGGEST_LIMIT = 8
FACET_SIZE = 200
BULK_CHUNK = 200
WRITE_TIMEOUT = 30
SOURCE_EXCLUDES = ["terms"]


# -- index ----------------------------------------------------------------------------------------------------


def index_mapping():
    """The mapping of the units index: filters on keywords/integers, display text with `cjk`, matching on `terms`."""
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    for name in ("key", "source", "kind", "department", "regulation_title", "label"):
        mapping.field(name, Keyword())
    for name in ("regulation_id", "page_id", "document_id", "effective_clearance", "position"):
        mapping.field(name, Integer())
    mapping.field("scope", Keyword())
    mapping.field("date", Date())
    mapping.field("title", Text(analyzer=CJK, fields={"raw": Keyword()}))
    mapping.field("heading", Text(analyzer=CJK))
    mapping.field("text", Text(analyzer=CJK))
    # Pre-analysed index terms: term frequency and length are all BM25 needs, so no positions are kept.
    mapping.field("terms", Text(analyzer="whitespace", index_options="freqs"))
    for name in ("url", "marking"):
        mapping.field(name, Keyword(index=False, doc_values=False))
    return mapping.to_dict()


def index_settings():
    """One shard: BM25 statistics are then those of the whole index, as in the embedded backend."""
    return {"number_of_shards": 1}


def scope_values(effective_scope):
    """The scope key (",3,7,", "" = everyone cleared, "," = nobody) as the keyword array the filter matches."""
    groups = scope_ids(effective_scope)
    if groups is None:
        return [OPEN_SCOPE]
    return [str(gid) for gid in sorted(groups)]


def terms_text(unit):
    """The unit's index terms, each repeated by its field-weighted frequency (rounded, at least once)."""
    weights = unit.term_weights()
    parts = []
    for term in sorted(weights):
        if not term or any(char.isspace() for char in term):
            continue
        parts.extend([term] * max(1, round(weights[term])))
    return " ".join(parts)


def unit_document(source_key, unit):
    """The document indexed for one `UnitData`."""
    return {
        "key": unit.key,
        "source": source_key,
        "kind": unit.kind,
        "title": unit.title,
        "heading": unit.heading,
        "text": unit.text,
        "terms": terms_text(unit),
        "url": unit.url,
        "label": unit.label,
        "marking": unit.marking,
        "regulation_id": unit.regulation_id,
        "regulation_title": unit.regulation_title,
        "page_id": unit.page_id,
        "document_id": unit.document_id,
        "department": unit.department,
        "effective_clearance": int(unit.effective_clearance),
        "scope": scope_values(unit.effective_scope),
        "date": unit.date.isoformat() if unit.date else None,
        "position": unit.position,
    }


# -- queries --------------------------------------------------------------------------------------------------


def access_filter(viewer):
    """The viewer's access condition: clearance, and one terms clause on the scope whatever the number of items."""
    groups = sorted(str(gid) for gid in viewer.group_ids)
    return [
        Q("range", effective_clearance={"lte": int(viewer.clearance)}),
        Q("terms", scope=[OPEN_SCOPE, *groups]),
    ]


def facet_filter(filters):
    """The user's facet choices as filter clauses (they narrow hits, never the access condition)."""
    filters = filters or Filters()
    clauses = []
    if filters.kind:
        clauses.append(Q("term", kind=filters.kind))
    if filters.regulation_id:
        clauses.append(Q("term", regulation_id=int(filters.regulation_id)))
    if filters.department:
        clauses.append(Q("term", department=filters.department))
    if filters.year:
        start = timezone.make_aware(datetime(filters.year, 1, 1))
        end = timezone.make_aware(datetime(filters.year + 1, 1, 1))
        clauses.append(Q("range", date={"gte": start.isoformat(), "lt": end.isoformat()}))
    return clauses


def alternative_query(alternative):
    """All of the alternative's index terms required; its score is the mean of theirs times its weight."""
    terms = [Q("term", terms={"value": term}) for term in alternative.terms]
    if not terms:
        return None
    return Q("bool", must=terms, boost=alternative.weight / len(terms))


def clause_query(clause):
    """The best alternative of a clause (a word and its thesaurus expansions) plus a share of the others."""
    alternatives = [query for query in map(alternative_query, clause.alternatives) if query is not None]
    if not alternatives:
        return Q("match_none")
    return Q("dis_max", queries=alternatives, tie_breaker=ALTERNATIVE_TIE_BREAKER)


def _coordinated(query, required):
    """Score × (matched required clauses / required clauses)²: units matching all words rank first."""
    functions = [{"filter": clause.to_dict(), "weight": 1.0 / len(required)} for clause in required]
    for _ in range(2):
        query = Q("function_score", query=query, functions=functions, score_mode="sum", boost_mode="multiply")
    return query


def match_query(plan):
    """Required clauses with minimum_should_match = plan.min_required(relaxed=True); optional clauses add score."""
    required = [clause_query(clause) for clause in plan.required]
    optional = [clause_query(clause) for clause in plan.clauses if clause.optional]
    min_required = plan.min_required(relaxed=True)
    query = Q(
        "bool",
        must=[Q("bool", should=required, minimum_should_match=min_required)],
        should=optional,
    )
    if min_required < len(required):
        query = _coordinated(query, required)
    return query


def _sort(sort):
    if sort == SORT_DATE:
        return [{"date": {"order": "desc", "missing": "_last"}}, "_score", {"key": "asc"}]
    return ["_score", {"position": "asc"}, {"key": "asc"}]


def _facet_aggs(search):
    search.aggs.bucket("kind", "terms", field="kind", size=len(UnitKind.values) + 5)
    search.aggs.bucket("regulation", "terms", field="regulation_id", size=FACET_SIZE).bucket(
        "title", "terms", field="regulation_title", size=5
    )
    search.aggs.bucket("department", "terms", field="department", size=FACET_SIZE)
    search.aggs.bucket(
        "year",
        "date_histogram",
        field="date",
        calendar_interval="year",
        format="yyyy",
        min_doc_count=1,
        time_zone=settings.TIME_ZONE,
    )
    return search


def search_body(viewer, plan, filters=None, sort="", offset=0, limit=10, with_facets=False):
    """The request body of one search: access in the query's filter, facet choices in post_filter."""
    search = Search().query(Q("bool", filter=access_filter(viewer), must=[match_query(plan)]))
    narrowing = facet_filter(filters)
    if narrowing:
        search = search.post_filter(Q("bool", filter=narrowing))
    search = search.sort(*_sort(sort)).source(excludes=SOURCE_EXCLUDES).extra(track_total_hits=True)
    search = search[offset : offset + limit]
    if with_facets:
        search = _facet_aggs(search)
    return search.to_dict()


def _escape_wildcard(text):
    return "".join("\\" + char if char in "\\*?" else char for char in text)


def suggest_body(viewer, prefix, limit=SUGGEST_LIMIT):
    """Distinct titles containing `prefix` among the units the viewer may open (regulation titles for 条)."""
    pattern = {"value": f"*{_escape_wildcard(prefix)}*", "case_insensitive": True}
    regulations = Q("bool", filter=[Q("term", kind=UnitKind.ARTICLE.value), Q("wildcard", regulation_title=pattern)])
    others = Q(
        "bool",
        filter=[Q("wildcard", **{"title.raw": pattern})],
        must_not=[Q("term", kind=UnitKind.ARTICLE.value)],
    )
    search = Search().query(
        Q("bool", filter=[*access_filter(viewer), Q("bool", should=[regulations, others], minimum_should_match=1)])
    )
    search = search.extra(size=0, track_total_hits=False)
    search.aggs.bucket("regulations", "filter", filter=regulations).bucket(
        "titles", "terms", field="regulation_title", size=limit, order={"_key": "asc"}
    )
    search.aggs.bucket("others", "filter", filter=others).bucket(
        "titles", "terms", field="title.raw", size=limit, order={"_key": "asc"}
    )
    return search.to_dict()


# -- responses ------------------------------------------------------------------------------------------------


def facets_from_aggregations(aggregations):
    """Aggregations → the shape `embedded.facets_from_groups` returns."""
    kinds = {bucket["key"]: bucket["doc_count"] for bucket in aggregations["kind"]["buckets"]}
    regulations = []
    for bucket in aggregations["regulation"]["buckets"]:
        titles = bucket["title"]["buckets"] or [{"key": "", "doc_count": bucket["doc_count"]}]
        regulations.extend((int(bucket["key"]), title["key"], title["doc_count"]) for title in titles)
    departments = {
        bucket["key"]: bucket["doc_count"] for bucket in aggregations["department"]["buckets"] if bucket["key"]
    }
    years = {
        int(bucket["key_as_string"]): bucket["doc_count"]
        for bucket in aggregations["year"]["buckets"]
        if bucket["doc_count"]
    }
    return {
        "kind": sorted(kinds.items(), key=lambda item: -item[1]),
        "regulation": sorted(regulations, key=lambda item: -item[2]),
        "department": sorted(departments.items(), key=lambda item: -item[1]),
        "year": sorted(years.items(), reverse=True),
    }


def hit_from_document(document):
    source = document["_source"]
    date = parse_datetime(source["date"]) if source.get("date") else None
    return Hit(
        unit_id=0,  # the unit's row id lives in the embedded index only; hits are identified by `key`
        key=source["key"],
        kind=source["kind"],
        title=source.get("title") or "",
        url=source.get("url") or "",
        text=source.get("text") or "",
        score=float(document.get("_score") or 0.0),
        regulation_id=source.get("regulation_id"),
        regulation_title=source.get("regulation_title") or "",
        label=source.get("label") or "",
        heading=source.get("heading") or "",
        marking=source.get("marking") or "",
        effective_clearance=source.get("effective_clearance") or 0,
        date=date,
        department=source.get("department") or "",
    )


def suggestions_from_aggregations(aggregations, limit=SUGGEST_LIMIT):
    regulations = [bucket["key"] for bucket in aggregations["regulations"]["titles"]["buckets"]]
    others = [bucket["key"] for bucket in aggregations["others"]["titles"]["buckets"]]
    return list(dict.fromkeys([*regulations, *others]))[:limit]


# -- backend --------------------------------------------------------------------------------------------------


def _failures():
    from elasticsearch import ApiError, TransportError

    return (ApiError, TransportError)


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url, index_name):
        self.url = url
        self.index_name = index_name
        self._client = None

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(self.url, request_timeout=settings.SEARCH_ELASTICSEARCH_TIMEOUT)
        return self._client

    def _writer(self):
        return self.client.options(request_timeout=WRITE_TIMEOUT)

    # -- reads

    def search(self, viewer, plan, *, filters=None, sort="", offset=0, limit=10, with_facets=False):
        if viewer is None or plan.is_empty:
            return SearchResults(hits=[], total=0, backend=self.name)
        body = search_body(viewer, plan, filters, sort, offset, limit, with_facets)
        try:
            response = self.client.search(index=self.index_name, body=body)
        except _failures() as error:
            raise SearchUnavailable(f"elasticsearch search failed: {type(error).__name__}") from error
        total = response["hits"]["total"]["value"]
        hits = [hit_from_document(document) for document in response["hits"]["hits"]]
        facets = facets_from_aggregations(response["aggregations"]) if with_facets and total else {}
        relaxed = plan.min_required(relaxed=True) < plan.min_required()
        return SearchResults(hits=hits, total=total, facets=facets, backend=self.name, relaxed=relaxed)

    def suggest(self, viewer, prefix, limit=SUGGEST_LIMIT):
        if viewer is None or not prefix:
            return []
        try:
            response = self.client.search(index=self.index_name, body=suggest_body(viewer, prefix, limit))
        except _failures() as error:
            raise SearchUnavailable(f"elasticsearch suggest failed: {type(error).__name__}") from error
        return suggestions_from_aggregations(response["aggregations"], limit)

    # -- writes

    def _create_index(self):
        from elasticsearch import BadRequestError

        try:
            self._writer().indices.create(index=self.index_name, mappings=index_mapping(), settings=index_settings())
        except BadRequestError as error:
            if getattr(error, "error", "") != "resource_already_exists_exception":
                raise

    def reset(self):
        """Drop the index and create it again, empty, with the current mapping (before a full rebuild)."""
        try:
            self._writer().options(ignore_status=404).indices.delete(index=self.index_name)
            self._create_index()
        except _failures() as error:
            logger.warning("elasticsearch: reset of index %s failed (%s)", self.index_name, type(error).__name__)
            raise SearchUnavailable("elasticsearch reset failed") from error

    def replace_source(self, source_key, units):
        """Replace every unit of one source ("page:<id>" or "document:<id>"). Writes are visible when this returns."""
        from elasticsearch import NotFoundError

        try:
            try:
                self._writer().delete_by_query(
                    index=self.index_name,
                    query={"term": {"source": source_key}},
                    conflicts="proceed",
                    refresh=not units,
                )
            except NotFoundError:
                self._create_index()  # first write: create it with our mapping, never a dynamic one
            for start in range(0, len(units), BULK_CHUNK):
                chunk = units[start : start + BULK_CHUNK]
                operations = []
                for unit in chunk:
                    operations.append({"index": {"_index": self.index_name, "_id": unit.key}})
                    operations.append(unit_document(source_key, unit))
                last = start + BULK_CHUNK >= len(units)
                response = self._writer().bulk(operations=operations, refresh=last)
                if response.get("errors"):
                    failed = [
                        (item["index"]["_id"], (item["index"].get("error") or {}).get("type", "?"))
                        for item in response["items"]
                        if item["index"].get("error")
                    ]
                    logger.warning("elasticsearch: %s units of %s not indexed: %s", len(failed), source_key, failed)
                    raise SearchUnavailable(f"elasticsearch indexing of {source_key} failed")
        except _failures() as error:
            logger.warning("elasticsearch: indexing %s failed (%s)", source_key, type(error).__name__)
            raise SearchUnavailable(f"elasticsearch indexing of {source_key} failed") from error
