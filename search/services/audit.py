"""Classified search hits are reads: a snippet shows the text. Recorded like any classified read (never the query)."""

from django.contrib.contenttypes.models import ContentType

from portal.access import client_ip
from portal.enums import Clearance
from portal.models import PortalPage, ReadAuditEntry, SecureDocument

SEARCH_ACTION = "search"


def search_hits_record(*, request, hits):
    classified = [hit for hit in hits if hit.effective_clearance >= Clearance.SECRET]
    if not classified:
        return 0
    page_type = ContentType.objects.get_for_model(PortalPage)
    document_type = ContentType.objects.get_for_model(SecureDocument)
    entries = []
    for hit in classified:
        kind, _, source_id = hit.key.partition(":")
        source_id = source_id.split(":")[0]
        entries.append(
            ReadAuditEntry(
                user_id=request.user.pk,
                content_type=document_type if kind == "document" else page_type,
                object_id=source_id,
                clearance=hit.effective_clearance,
                action=SEARCH_ACTION,
                ip_address=client_ip(request),
            )
        )
    ReadAuditEntry.objects.bulk_create(entries)
    return len(entries)
