"""借阅/打印/下载 of a classified document, composed after portal's access check (portal.views.media.document_serve).

GET shows the purpose form; POST registers the borrowing and serves the file, a PDF stamped with the borrower's
name, 工号 and time (O27, O33). Nothing here grants access: the caller has already checked it.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from wagtail.documents.views.serve import serve as wagtail_document_serve

from portal.services.audit import never_cache_private, read_record
from records.exports import watermark_pdf
from records.forms import PurposeForm
from records.services.borrowing import borrowing_register


def watermark_text(user):
    profile = getattr(user, "security_profile", None)
    name = user.get_full_name() or user.get_username()
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return f"{name} {profile.employee_no if profile else ''} {stamp}"


def _is_pdf(document):
    return (document.file_extension or "").lower() == "pdf"


def classified_document_serve(request, document):
    if request.method not in ("GET", "POST"):
        return never_cache_private(HttpResponseNotAllowed(["GET", "POST"]))
    form = PurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            borrowing = borrowing_register(
                request=request, document=document, kind=form.cleaned_data["kind"], purpose=form.cleaned_data["purpose"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _serve(request, document, borrowing)
    response = render(request, "records/document_purpose.html", {"document": document, "form": form})
    return never_cache_private(response)


def _serve(request, document, borrowing):
    if _is_pdf(document):
        with document.file.open("rb") as handle:
            data = watermark_pdf(handle.read(), watermark_text(request.user))
        response = HttpResponse(data, content_type="application/pdf")
        # No title in the file name: it can carry a classified title.
        response["Content-Disposition"] = f'attachment; filename="document-{document.pk}-{borrowing.pk}.pdf"'
    else:
        response = wagtail_document_serve(request, document.pk, document.filename)
    read_record(request=request, obj=document, action="download")
    response["X-Content-Type-Options"] = "nosniff"
    return never_cache_private(response)
