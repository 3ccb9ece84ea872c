"""Search pages: HTML results with facets, the JSON API and autocomplete. Thin: the selectors do the work."""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.services.audit import never_cache_private
from search.backends import SORT_DATE, SORT_RELEVANCE, Filters
from search.models import UnitKind
from search.selectors import MAX_PAGE, PAGE_SIZE, correction_for, search_for, suggestions_for
from search.services.audit import search_hits_record
from search.spelling import stray_characters

MAX_QUERY_CHARS = 100


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _search_arguments(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY_CHARS]
    filters = Filters(
        kind=request.GET.get("type", "")[:16],
        regulation_id=_int(request.GET.get("regulation")),
        department=request.GET.get("department", "")[:100],
        year=_int(request.GET.get("year")),
    )
    sort = SORT_DATE if request.GET.get("sort") == SORT_DATE else SORT_RELEVANCE
    page = min(max(_int(request.GET.get("page"), 1), 1), MAX_PAGE)
    return query, filters, sort, page


def hit_json(hit, *, with_text=True, with_score=False):
    data = {
        "id": hit.key,
        "title": hit.title,
        "url": hit.url,
        "type": hit.kind,
        "regulation": hit.regulation_title,
        "article": hit.label,
        "heading": hit.heading,
        "snippet": str(hit.snippet),
        "marking": hit.marking,
        "date": hit.date.isoformat() if hit.date else None,
    }
    if with_score:
        # Only for the server-side command: on Elasticsearch a score is computed over every document, visible or
        # not, so the web API does not hand it out.
        data["score"] = round(hit.score, 4)
    if with_text:
        data["text"] = hit.text
    return data


def results_json(results, plan, query, *, with_score=False):
    return {
        "query": query,
        "terms": [
            {
                "word": clause.word,
                "optional": clause.optional,
                "alternatives": [alt.text for alt in clause.alternatives],
            }
            for clause in plan.clauses
        ],
        "total": results.total,
        "backend": results.backend,
        "degraded": results.degraded,
        "relaxed": results.relaxed,
        "hits": [hit_json(hit, with_score=with_score) for hit in results.hits],
    }


FACET_PARAMETERS = (("kind", "type"), ("regulation", "regulation"), ("department", "department"), ("year", "year"))


def facet_panels(request, results, filters):
    """Facet counts as panels of links; each link sets (or clears) one filter and keeps the rest of the query."""
    titles = {"kind": _("Type"), "regulation": _("Regulation"), "department": _("Department"), "year": _("Year")}
    current = {"type": filters.kind, "regulation": filters.regulation_id, "department": filters.department}
    current["year"] = filters.year
    kind_labels = dict(UnitKind.choices)
    panels = []
    for facet, parameter in FACET_PARAMETERS:
        items = []
        for row in results.facets.get(facet, []):
            if facet == "regulation":
                value, label, count = row
            else:
                value, count = row
                label = kind_labels.get(value, value) if facet == "kind" else value
            selected = str(value) == str(current[parameter] or "")
            query = request.GET.copy()
            query.pop("page", None)
            if selected:
                query.pop(parameter, None)
            else:
                query[parameter] = value
            items.append({"label": label, "count": count, "selected": selected, "url": "?" + query.urlencode()})
        if items:
            panels.append({"title": titles[facet], "items": items})
    return panels


@require_GET
def search_view(request):
    query, filters, sort, page = _search_arguments(request)
    context = {"query": query, "filters": filters, "sort": sort}
    if query:
        results, plan = search_for(
            user=request.user, query=query, request=request, filters=filters, sort=sort, page=page, with_facets=True
        )
        search_hits_record(request=request, hits=results.hits)
        if not results.total or stray_characters(query):
            context["did_you_mean"] = correction_for(user=request.user, query=query, request=request)
        paginator = Paginator(range(min(results.total, MAX_PAGE * PAGE_SIZE)), PAGE_SIZE)
        context.update(
            facets=facet_panels(request, results, filters),
            results=results,
            plan=plan,
            page_obj=paginator.get_page(page),
            paginator=paginator,
        )
    return never_cache_private(render(request, "search/search.html", context))


@require_GET
def search_api_view(request):
    query, filters, sort, page = _search_arguments(request)
    results, plan = search_for(user=request.user, query=query, request=request, filters=filters, sort=sort, page=page)
    search_hits_record(request=request, hits=results.hits)
    data = results_json(results, plan, query)
    data["page"] = page
    data["did_you_mean"] = (
        correction_for(user=request.user, query=query, request=request)
        if not results.total or stray_characters(query)
        else ""
    )
    return never_cache_private(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))


@require_GET
def suggest_view(request):
    prefix = (request.GET.get("q") or "").strip()
    return never_cache_private(
        JsonResponse({"suggestions": suggestions_for(user=request.user, prefix=prefix, request=request)})
    )
