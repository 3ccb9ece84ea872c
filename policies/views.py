"""Reader-facing routes of a regulation page. The page's on_serve_page hook has already checked access."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from policies import selectors
from policies.diffing import articles_diff, diff_summary
from policies.services.acks import AcknowledgementError, acknowledge
from portal import access


def _ack_context(request, page):
    current = page.versions.order_by("-number").first()
    return {
        "current_version": current,
        "ack_open": selectors.ack_open_for(user=request.user, regulation=page),
        "ack_last": selectors.ack_last_for(user=request.user, regulation=page),
    }


def regulation_view(request, page):
    return page.render(request, context_overrides=_ack_context(request, page))


def article_view(request, page, key):
    article = page.article_by_key(key)
    if article is None:
        raise Http404
    chapter = next(c for c in page.chapters if article in c["articles"])
    articles = page.articles
    position = articles.index(article)
    return page.render(
        request,
        template="policies/regulation_article.html",
        context_overrides={
            "article": article,
            "chapter": chapter,
            "previous_article": articles[position - 1] if position else None,
            "next_article": articles[position + 1] if position + 1 < len(articles) else None,
        },
    )


def versions_view(request, page):
    return page.render(
        request,
        template="policies/regulation_versions.html",
        context_overrides={"versions": selectors.versions_of(page)},
    )


def _version_number(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def compare_view(request, page):
    versions = {v.number: v for v in selectors.versions_of(page)}
    if not versions:
        raise Http404
    newest = max(versions)
    new_number = _version_number(request.GET.get("to"), newest)
    old_number = _version_number(request.GET.get("from"), new_number - 1)
    old, new = versions.get(old_number), versions.get(new_number)
    if old is None or new is None:
        raise Http404
    changes = articles_diff(old.chapters, new.chapters)
    return page.render(
        request,
        template="policies/regulation_compare.html",
        context_overrides={
            "versions": list(versions.values()),
            "old": old,
            "new": new,
            "changes": changes,
            "summary": diff_summary(changes),
            "only_changes": request.GET.get("all") != "1",
        },
    )


def acknowledge_view(request, page):
    if request.method != "POST":
        response = HttpResponseNotAllowed(["POST"])
        add_never_cache_headers(response)
        return response
    try:
        acknowledge(
            user=request.user,
            regulation=page,
            version_number=request.POST.get("version"),
            confirmed=request.POST.get("confirm") == "yes",
            ip_address=access.client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except PermissionDenied:
        return access.deny(request)
    except AcknowledgementError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(page.url)
    messages.success(request, _("Acknowledged. Thank you."))
    return redirect(page.url)
