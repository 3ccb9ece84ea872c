"""Documents and images, served only through these access-checked views (never from MEDIA_URL)."""

import mimetypes

from django.http import FileResponse
from wagtail.documents.views.serve import serve as wagtail_document_serve

from portal import access
from portal.models import SecureDocument, SecureRendition
from portal.services.audit import protect_response, read_record


def document_serve(request, document_id, document_filename=None):
    # A missing id and a denied one answer alike, so ids reveal nothing about what exists.
    document = SecureDocument.objects.filter(pk=document_id).first()
    if document is None or not access.can_view(request.user, document, request):
        return access.deny(request)
    if document.is_classified:
        # 借阅/打印/下载 registration: a purpose first, then the file, watermarked where the format allows.
        from records.media import classified_document_serve

        return classified_document_serve(request, document)
    response = wagtail_document_serve(request, document.pk, document.filename)
    read_record(request=request, obj=document, action="download")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return protect_response(response, document)


def image_serve(request, rendition_id):
    rendition = SecureRendition.objects.select_related("image").filter(pk=rendition_id).first()
    if rendition is None or not access.can_view(request.user, rendition.image, request):
        return access.deny(request)
    image = rendition.image
    content_type = mimetypes.guess_type(rendition.file.name)[0] or "application/octet-stream"
    response = FileResponse(rendition.file.open("rb"), content_type=content_type)
    read_record(request=request, obj=image)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300" if not image.is_classified else "private"
    return protect_response(response, image)
