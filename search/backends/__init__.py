"""Search backends behind one interface.

`search(viewer, plan, filters, sort, offset, limit)` → SearchResults. The viewer's clearance and 知悉范围 are part
of every query a backend runs, so hits, totals, facets and suggestions only ever count what the viewer may open.
The embedded backend (the database) always holds the index; Elasticsearch is optional (SEARCH_BACKEND =
"elasticsearch"), and when it cannot be reached the embedded index answers and says so.
"""

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings

SORT_RELEVANCE = "relevance"
SORT_DATE = "date"


@dataclass
class Filters:
    kind: str = ""
    regulation_id: int | None = None
    department: str = ""
    year: int | None = None


@dataclass
class Hit:
    unit_id: int
    key: str
    kind: str
    title: str
    url: str
    text: str
    score: float
    regulation_id: int | None = None
    regulation_title: str = ""
    label: str = ""
    heading: str = ""
    marking: str = ""
    effective_clearance: int = 0
    date: object = None
    department: str = ""


@dataclass
class SearchResults:
    hits: list
    total: int
    facets: dict = field(default_factory=dict)
    backend: str = "embedded"
    degraded: bool = False
    relaxed: bool = False


class SearchUnavailable(Exception):
    """The external search service could not answer."""


def embedded_backend():
    from search.backends.embedded import EmbeddedBackend

    return EmbeddedBackend()


@cache
def _elasticsearch_backend(url, index_name):
    from search.backends.elastic import ElasticsearchBackend

    return ElasticsearchBackend(url=url, index_name=index_name)


def external_backend():
    """The configured Elasticsearch backend, or None when search runs on the embedded index only."""
    if settings.SEARCH_BACKEND != "elasticsearch" or not settings.ELASTICSEARCH_URL:
        return None
    return _elasticsearch_backend(settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_NAME)


def query_backend():
    return external_backend() or embedded_backend()
