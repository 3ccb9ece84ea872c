"""Audit records: reads of classified items (our own table) and decisions (Wagtail's audit log)."""

from django.contrib.contenttypes.models import ContentType
from django.utils.cache import add_never_cache_headers

from portal.access import client_ip
from portal.models import ReadAuditEntry


def read_record(*, request, obj, action="view"):
    """Write who read which classified item, when and from where; mark the response uncacheable by the caller."""
    if not getattr(obj, "is_classified", False):
        return None
    return ReadAuditEntry.objects.create(
        user_id=request.user.pk,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        clearance=obj.effective_clearance,
        action=action,
        ip_address=client_ip(request),
    )


def never_cache_private(response):
    """No browser or proxy keeps this response."""
    add_never_cache_headers(response)
    if "private" not in response["Cache-Control"]:
        response["Cache-Control"] += ", private"
    return response


def protect_response(response, obj):
    """Classified responses are never cached, by the browser or any proxy."""
    if getattr(obj, "is_classified", False):
        never_cache_private(response)
    return response
