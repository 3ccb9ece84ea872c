"""Search reads. The access filter is part of the query, so totals and pages count only what the user may open."""

from django.db.models import Q

from portal import access
from portal.models import PortalPage


def page_search_for(*, user, query, request=None):
    """Live pages whose title or search description contains the query, newest first."""
    query = (query or "").strip()
    if not query:
        return PortalPage.objects.none()
    pages = (
        PortalPage.objects.live()
        .filter(depth__gt=1)
        .filter(Q(title__icontains=query) | Q(search_description__icontains=query))
    )
    return access.visible(pages, user, request).order_by("-last_published_at", "path")
