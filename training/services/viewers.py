"""Whose eyes a read goes through. In a request: the session's (portal.access.viewer_for: OTP, network, clearance).
Outside one (Celery, demo loader, benches): the person's standing clearance and groups from their profile, so a
job never sees more than the person could."""

from portal import access
from portal.models import SecurityProfile


def person_viewer(user):
    row = SecurityProfile.objects.filter(user_id=user.pk).values_list("clearance", "left_on").first()
    if row is None or row[1] is not None or not getattr(user, "is_active", True):
        return None
    return access.Viewer(user.pk, row[0], frozenset(user.groups.values_list("pk", flat=True)))


def viewer_of(user, request=None):
    if request is not None or hasattr(user, "is_verified"):
        return access.viewer_for(user, request)
    return person_viewer(user)


def may_view(user, obj, request=None):
    """access.can_view in a request; the same test against the person's profile outside one."""
    if request is not None or hasattr(user, "is_verified"):
        return access.can_view(user, obj, request)
    viewer = person_viewer(user)
    return (
        viewer is not None and obj.effective_clearance <= viewer.clearance and viewer.scope_allows(obj.effective_scope)
    )
