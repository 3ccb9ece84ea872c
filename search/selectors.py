"""Search reads. Every call takes the viewer from `portal.access`; the backends put its filter inside the query."""

import logging

from portal.access import viewer_for
from search.backends import SearchUnavailable, embedded_backend, query_backend
from search.highlight import snippet
from search.query import plan_query

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_PAGE = 100


def search_for(*, user, query, request=None, filters=None, sort="", page=1, per_page=PAGE_SIZE, with_facets=False):
    """(results, plan) for what `user` may open. Falls back to the embedded index if Elasticsearch is down."""
    plan = plan_query(query or "")
    viewer = viewer_for(user, request)
    page = min(max(1, page), MAX_PAGE)
    arguments = {
        "filters": filters,
        "sort": sort,
        "offset": (page - 1) * per_page,
        "limit": per_page,
        "with_facets": with_facets,
    }
    backend = query_backend()
    try:
        results = backend.search(viewer, plan, **arguments)
    except SearchUnavailable:
        logger.warning("search: %s unavailable, answering from the embedded index", backend.name)
        results = embedded_backend().search(viewer, plan, **arguments)
        results.degraded = True
    for hit in results.hits:
        hit.snippet = snippet(hit.text, plan.highlight_words)
    return results, plan


def suggestions_for(*, user, prefix, request=None):
    """Autocomplete: titles the user may open that contain what they typed."""
    prefix = (prefix or "").strip()[:50]
    viewer = viewer_for(user, request)
    backend = query_backend()
    try:
        return backend.suggest(viewer, prefix)
    except SearchUnavailable:
        return embedded_backend().suggest(viewer, prefix)


def correction_for(*, user, query, request=None):
    """「您是不是要找」 for a query that found nothing: a corrected query that finds what `user` may open, or ""."""
    from search.spelling import did_you_mean

    viewer = viewer_for(user, request)
    if viewer is None:
        return ""

    def found_nothing_for(corrected):
        results = embedded_backend().search(viewer, plan_query(corrected), limit=1)
        return results.total == 0

    return did_you_mean(query or "", found_nothing_for)
