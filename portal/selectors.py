"""Reads shown to users. Every one goes through portal.access."""

from wagtail.models import Site

from portal import access
from portal.models import Notification, PortalPage


def menu_pages_for(*, user, request=None):
    """Top-level menu: the site root's live, in-menu children the user may read."""
    site = Site.find_for_request(request) if request is not None else Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    root = site.root_page
    pages = PortalPage.objects.child_of(root).live().in_menu().order_by("path")
    # Title and URL are all the menu shows: the base rows give both, without a query per page type.
    return list(access.visible(pages, user, request))


def children_for(*, page, user, request=None):
    """A page's live children the user may read, in tree order (index listings)."""
    pages = PortalPage.objects.child_of(page).live().order_by("path")
    return access.visible(pages, user, request).specific()


def notifications_for(*, user):
    """The user's own notifications, newest first. Their text is generic by construction (no titles)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at")
