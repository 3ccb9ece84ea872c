"""Audit records: reads of classified items (our own table) and decisions (Wagtail's audit log)."""

from django.contrib.contenttypes.models import ContentType
from django.utils.cache import add_never_cache_headers

from portal.access import client_ip
from portal.enums import Clearance
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


def log_label(model, object_id):
    """The audit-log label of a restricted item: its type and id."""
    return f"{model._meta.verbose_name} #{object_id}"


def _restricted(clearance, scope):
    from portal.models.marking import UNRESTRICTED

    return clearance > Clearance.INTERNAL or scope != UNRESTRICTED


def log_entry_neutralise(entry):
    """Keep restricted titles out of a new Wagtail log entry. Wagtail stores the item's title as the label (its site
    history lists labels to anyone with a permission on the model) and titles in the data: a rename's old and new
    title, a move's or copy's source and destination pages. An item above 内部 or limited to a 知悉范围 (or gone)
    is named by its type and id instead, in the label, its rename data and any page the data refers to."""
    from portal.models import MarkingMixin

    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None or not issubclass(model, MarkingMixin):
        return
    object_id = getattr(entry, "page_id", None) or getattr(entry, "object_id", None)
    marking = model._default_manager.filter(pk=object_id).values_list("effective_clearance", "effective_scope").first()
    data = entry.data if isinstance(entry.data, dict) else {}
    if marking is None or _restricted(*marking):
        entry.label = log_label(model, object_id)
        if isinstance(data.get("title"), dict):
            data["title"] = dict.fromkeys(data["title"], entry.label)
    if hasattr(entry, "page_id"):
        _page_references_neutralise(data)


PAGE_REFERENCE_KEYS = ("page", "source", "destination")  # Wagtail's move, reorder, copy and alias entries


def _page_references_neutralise(data):
    """The {"id", "title"} page references in a page log entry's data that name a restricted page."""
    from portal.models import PortalPage

    references = [data[key] for key in PAGE_REFERENCE_KEYS if isinstance(data.get(key), dict)]
    references = [node for node in references if isinstance(node.get("id"), int) and "title" in node]
    if not references:
        return
    pks = [node["id"] for node in references]
    rows = PortalPage.objects.filter(pk__in=pks).values_list("pk", "effective_clearance", "effective_scope")
    markings = {pk: (clearance, scope) for pk, clearance, scope in rows}
    for node in references:
        marking = markings.get(node["id"])
        if marking is None or _restricted(*marking):
            node["title"] = log_label(PortalPage, node["id"])


def log_label_for(obj, title):
    """The label log_entry_neutralise gives an item whose marking is already in memory (entries written in bulk)."""
    return log_label(type(obj), obj.pk) if _restricted(obj.effective_clearance, obj.effective_scope) else title


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
