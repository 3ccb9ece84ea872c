"""Site-wide two-factor enforcement, idle timeout and admin object checks."""

import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from portal import access

# Reachable without a verified session. Enrolment, the token step and logout need a password session.
PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/healthz")
PASSWORD_SESSION_PATHS = ("/accounts/verify/", "/accounts/otp/setup/", "/accounts/logout/")


class RequireVerifiedMiddleware:
    """Anonymous → login; password-only → token step (or enrolment). Nothing else answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            response = redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        elif user.is_verified() or path.startswith(PASSWORD_SESSION_PATHS):
            access.request_network_bind(request)
            return self.get_response(request)
        else:
            from portal.services.otp import has_device

            response = redirect("portal:otp_verify" if has_device(user) else "portal:otp_enrol")
        add_never_cache_headers(response)
        return response


class IdleTimeoutMiddleware:
    """Log out a session idle for IDLE_TIMEOUT_MIN (O24). Writes the session at most once a minute."""

    KEY = "portal_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > settings.IDLE_TIMEOUT_MIN * 60:
                logout(request)
                messages.warning(request, _("Your session was idle too long. Please sign in again."))
            elif last_seen is None or now - last_seen >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)


# Admin URLs that open one page, document or image: the clearance check applies there too (edit, preview,
# history, revisions, usage), so an editor or superuser can't read through the admin what they can't read on the site.
ADMIN_OBJECT_URL = re.compile(
    r"^/admin/(?:(?P<page>pages)/(?:add/[-\w]+/[-\w]+/|workflow/[-\w]+/)?(?P<page_id>\d+)/"
    r"(?:move/(?P<destination_id>\d+)/)?"
    r"|(?P<kind>documents|images)/(?:edit/|delete/|usage/)?(?P<item_id>\d+)/)"
)
# Wagtail's bulk actions list every selected item, with its title, on their confirmation page.
ADMIN_BULK_URL = re.compile(r"^/admin/bulk/(?P<app>\w+)/(?P<model>\w+)/\w+/")


class AdminObjectAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = ADMIN_OBJECT_URL.match(request.path_info)
        if match and request.user.is_authenticated:
            for obj in _admin_objects(match, request):
                if not access.can_view(request.user, obj, request):
                    return access.deny(request)
        bulk = ADMIN_BULK_URL.match(request.path_info)
        if bulk and request.user.is_authenticated and _bulk_selects_unreadable(bulk, request):
            return access.deny(request)
        return self.get_response(request)


def _bulk_selects_unreadable(match, request):
    """Whether a bulk action's selection (ids, or "all" of a listing) holds an item the user may not read: one
    query, the access filter inside it."""
    from django.apps import apps

    from portal.models import MarkingMixin, PortalPage

    try:
        model = apps.get_model(match.group("app"), match.group("model"))
    except LookupError:
        return False
    if not issubclass(model, MarkingMixin):
        return False
    viewer = access.viewer_for(request.user, request)
    if viewer is None:
        return True
    ids = request.GET.getlist("id")
    selection = model._default_manager.all()
    if "all" not in ids:
        try:
            pks = [int(pk) for pk in ids]  # as the view reads them: " 6" and "+6" are 6
        except ValueError:
            return True
        selection = selection.filter(pk__in=pks)
    elif not issubclass(model, PortalPage):
        return False  # "all" documents or images: Wagtail takes them from the permission policy, already filtered
    elif request.GET.get("childOf", "").strip().isdigit():
        parent = PortalPage.objects.filter(pk=int(request.GET["childOf"])).first()
        if parent is not None:
            selection = parent.get_descendants() if request.GET.get("q") else parent.get_children()
    return selection.exclude(access.access_q(viewer)).exists()


def _pks(values):
    """The ids among values as Django's integer fields read them (" 6" and "+6" are 6); the rest dropped."""
    pks = []
    for value in values:
        try:
            pks.append(int(value))
        except (TypeError, ValueError):
            continue
    return pks


def _admin_objects(match, request):
    """The items an admin URL acts on: the page (and a move's destination, or a copy's new parent) or the file."""
    from portal.models import PortalPage, SecureDocument, SecureImage

    if match.group("page"):
        ids = [match.group("page_id"), match.group("destination_id")]
        if request.method == "POST" and request.path_info.endswith("/copy/"):
            ids.append(request.POST.get("new_parent_page", ""))
        return list(PortalPage.objects.filter(pk__in=_pks(ids)))
    model = SecureDocument if match.group("kind") == "documents" else SecureImage
    return list(model.objects.filter(pk=match.group("item_id")))
