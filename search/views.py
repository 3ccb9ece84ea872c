from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render

from .selectors import page_search_for

PAGE_SIZE = 20


def search_view(request):
    query = request.GET.get("q", "")
    results = Paginator(page_search_for(user=request.user, query=query, request=request), PAGE_SIZE)
    page = results.get_page(request.GET.get("page"))
    return render(request, "search/search.html", {"query": query, "results": page, "paginator": results})


def search_api_view(request):
    query = request.GET.get("q", "")
    hits = page_search_for(user=request.user, query=query, request=request)[:PAGE_SIZE]
    return JsonResponse(
        {
            "query": query,
            "hits": [
                {"title": page.title, "url": page.url, "marking": page.marking, "date": page.last_published_at}
                for page in hits
            ],
        }
    )
