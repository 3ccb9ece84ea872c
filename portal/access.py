"""The one place that decides who may see what.

Access = authenticated AND OTP-verified AND clearance >= the item's effective clearance AND (no 知悉范围 OR the user is
in one of its groups) AND, for 秘密 and above with CLASSIFIED_NETWORKS set, a request from those networks.
Superusers do not bypass it: admins administer, they do not read what they are not cleared for.

`can_view(user, obj)` answers for one object; `visible(queryset, user)` filters inside the query, so totals,
pagination and listings count only what the user may see.
"""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from portal.enums import Clearance

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Viewer:
    user_id: int
    clearance: int
    group_ids: frozenset

    def scope_allows(self, key):
        return not key or any(f",{gid}," in key for gid in self.group_ids)


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _classified_network_ok(request):
    networks = settings.CLASSIFIED_NETWORKS
    if not networks:
        return True
    ip = client_ip(request)
    if not ip:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def viewer_for(user, request=None):
    """The user's clearance and groups, or None if they may see nothing. Cached on the user for one request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    is_verified = getattr(user, "is_verified", None)
    if not (is_verified and is_verified()):
        return None
    cached = getattr(user, "_portal_viewer", None)
    if cached is None:
        from portal.models import SecurityProfile

        profile = SecurityProfile.objects.filter(user_id=user.pk).values_list("clearance", "left_on").first()
        clearance = profile[0] if profile and not profile[1] else None
        if clearance is None:
            cached = False
        else:
            cached = Viewer(user.pk, clearance, frozenset(user.groups.values_list("pk", flat=True)))
        user._portal_viewer = cached
    if not cached:
        return None
    if cached.clearance > Clearance.INTERNAL and not _network_ok(user, request):
        return Viewer(cached.user_id, Clearance.INTERNAL, cached.group_ids)
    return cached


def request_network_bind(request):
    """Remember on the request's user whether the request comes from CLASSIFIED_NETWORKS, for the reads that get the
    user without the request (Wagtail's permission policies: admin listings, choosers, admin search)."""
    request.user._portal_network_ok = _classified_network_ok(request)


def _network_ok(user, request):
    if request is not None:
        return _classified_network_ok(request)
    # No request: a task or command (no network limit), or a request-time read bound by the middleware.
    return getattr(user, "_portal_network_ok", True)


def access_q(viewer, prefix=""):
    """The access condition as a Q on the marking columns (prefix for a related item, e.g. "page__")."""
    if viewer is None:
        return NOTHING
    scope_q = Q(**{f"{prefix}effective_scope": ""})
    for gid in sorted(viewer.group_ids):
        scope_q |= Q(**{f"{prefix}effective_scope__contains": f",{gid},"})
    return Q(**{f"{prefix}effective_clearance__lte": viewer.clearance}) & scope_q


def visible(queryset, user, request=None):
    """`queryset` narrowed to what `user` may see; the filter is part of the query."""
    return queryset.filter(access_q(viewer_for(user, request)))


def can_view(user, obj, request=None):
    viewer = viewer_for(user, request)
    if viewer is None:
        return False
    if not hasattr(obj, "effective_clearance"):
        return False  # only marked items are ever served; anything else is a programming error, not a grant
    if obj.effective_clearance > viewer.clearance or not viewer.scope_allows(obj.effective_scope):
        return False
    original = getattr(obj, "alias_of", None) if getattr(obj, "alias_of_id", None) else None
    return original is None or can_view(user, original, request)


def may_act_on(user, obj):
    """Whether an admin action on obj is open to the user: the user of a request must be able to read obj. A user
    object outside any request (a signal handler reading a revision's author, a task) carries no OTP state and is not
    limited here; what it may do was decided when the request that started the work was checked."""
    if getattr(user, "is_verified", None) is None:
        return True
    return can_view(user, obj)


def deny(request, status=403):
    """The single denial: a Chinese 403 page that no cache keeps."""
    response = render(request, "errors/403.html", status=status)
    add_never_cache_headers(response)
    return response
