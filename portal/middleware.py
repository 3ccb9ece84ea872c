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
    r"^/admin/(?:(?P<page>pages)/(?:add/\w+/\w+/)?(?P<page_id>\d+)/"
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
            obj = _admin_object(match)
            if obj is not None and not access.can_view(request.user, obj, request):
                return access.deny(request)
        bulk = ADMIN_BULK_URL.match(request.path_info)
        if bulk and request.user.is_authenticated and _bulk_selects_unreadable(bulk, request):
            return access.deny(request)
        return self.get_response(request)


def _bulk_selects_unreadable(match, request):
    """Whether a bulk action's selection (ids, or "all" of a listing) holds an item the user may not read: one
    query, the access filter inside it."""
    from django.apps import apps

    from portal.models import PortalPage

    try:
        model = apps.get_model(match.group("app"), match.group("model"))
    except LookupError:
        return False
    if not any(field.name == "effective_clearance" for field in model._meta.concrete_fields):
        return False
    viewer = access.viewer_for(request.user, request)
    if viewer is None:
        return True
    ids = request.GET.getlist("id")
    selection = model._default_manager.all()
    if "all" not in ids:
        selection = selection.filter(pk__in=[pk for pk in ids if pk.isdigit()])
    elif issubclass(model, PortalPage) and request.GET.get("childOf", "").isdigit():
        parent = PortalPage.objects.filter(pk=request.GET["childOf"]).first()
        if parent is not None:
            selection = parent.get_descendants() if request.GET.get("q") else parent.get_children()
    return selection.exclude(access.access_q(viewer)).exists()


def _admin_object(match):
    from portal.models import PortalPage, SecureDocument, SecureImage

    if match.group("page"):
        return PortalPage.objects.filter(pk=match.group("page_id")).first()
    model = SecureDocument if match.group("kind") == "documents" else SecureImage
    return model.objects.filter(pk=match.group("item_id")).first()
