import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from portal.enums import Clearance
from portal.models import Notification, ReadAuditEntry, SecureDocument
from records.models import Borrowing
from records.services.borrowing import borrowing_overdue_remind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _pdf_bytes(text="Spec page"):
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(72, 720, text)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def make_document(clearance=Clearance.SECRET, *, pdf=True, title="涉密技术规格"):
    document = SecureDocument(
        title=title, clearance=clearance, secrecy_term="5年" if clearance else "", classification_basis="依据"
    )
    if pdf:
        document.file.save("spec.pdf", ContentFile(_pdf_bytes()), save=False)
    else:
        document.file.save("spec.txt", ContentFile("技术规格".encode()), save=False)
    document.save()
    return document


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_opening_a_classified_document_asks_the_purpose_registers_and_watermarks(user_with, verified_client):
    """O33 技术资料保密细则 三(五), O27: purpose first, then a registered loan due in 30 days; the PDF carries the
    borrower's name and 工号 on every page; nothing is cached."""
    document = make_document()
    reader = user_with(Clearance.SECRET, employee_no="E7731")
    reader.first_name = "Borrower"
    reader.save()
    client = verified_client(reader)

    form = client.get(document.url)
    assert form.status_code == 200 and "no-store" in form["Cache-Control"]
    assert form.content[:4] != b"%PDF" and not Borrowing.objects.exists()

    missing = client.post(document.url, {"kind": "borrow", "purpose": ""})
    assert missing.status_code == 200 and not Borrowing.objects.exists()

    response = client.post(document.url, {"kind": "borrow", "purpose": "编写测试报告"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert "涉密技术规格" not in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(_body(response))).pages[0].extract_text()
    assert "E7731" in text and "Borrower" in text and "Spec page" in text

    borrowing = Borrowing.objects.get()
    assert (borrowing.user, borrowing.document, borrowing.purpose) == (reader, document, "编写测试报告")
    assert borrowing.due_on == TODAY + datetime.timedelta(days=30)
    assert ReadAuditEntry.objects.filter(user=reader, object_id=str(document.pk), action="download").exists()


def test_the_loan_period_is_a_setting(settings, user_with, verified_client):
    """O33 and obligations §4 #21: LOAN_DAYS is configurable."""
    settings.RECORDS_LOAN_DAYS = 7
    document = make_document(pdf=False)
    reader = user_with(Clearance.SECRET)
    response = verified_client(reader).post(document.url, {"kind": "borrow", "purpose": "审阅"})
    assert _body(response).decode() == "技术规格"
    assert Borrowing.objects.get().due_on == TODAY + datetime.timedelta(days=7)


def test_denied_readers_are_not_asked_and_not_registered(user_with, verified_client):
    """O21: the access check comes first; a forged POST by an uncleared user registers nothing."""
    document = make_document(Clearance.CONFIDENTIAL)
    client = verified_client(user_with(Clearance.SECRET))
    assert client.get(document.url).status_code == 403
    assert client.post(document.url, {"kind": "borrow", "purpose": "x"}).status_code == 403
    assert not Borrowing.objects.exists()


def test_internal_documents_are_served_directly(user_with, verified_client):
    document = make_document(Clearance.INTERNAL, pdf=False)
    response = verified_client(user_with(Clearance.INTERNAL)).get(document.url)
    assert _body(response).decode() == "技术规格" and not Borrowing.objects.exists()


def test_return_by_the_borrower_or_the_office_only(user_with, office_user, verified_client):
    """O33 领导干部保密工作职责制 1⑨: 「及时清退」 — the borrower returns; nobody else can close their loan."""
    document = make_document()
    borrower = user_with(Clearance.SECRET)
    verified_client(borrower).post(document.url, {"kind": "borrow", "purpose": "审阅"})
    borrowing = Borrowing.objects.get()
    other = verified_client(user_with(Clearance.TOP_SECRET))
    assert other.post(f"/records/borrowings/{borrowing.pk}/return/").status_code == 403
    assert other.get(f"/records/borrowings/{borrowing.pk}/return/").status_code in (403, 405)
    borrowing.refresh_from_db()
    assert borrowing.returned_at is None
    verified_client(borrower).post(f"/records/borrowings/{borrowing.pk}/return/")
    borrowing.refresh_from_db()
    assert borrowing.returned_at is not None and borrowing.returned_confirmed_by == borrower


def test_the_office_sees_the_register(user_with, office_user, verified_client):
    """O33: 保密办 sees who borrowed what; others are denied."""
    document = make_document()
    verified_client(user_with(Clearance.SECRET)).post(document.url, {"kind": "print", "purpose": "会议材料"})
    html = verified_client(office_user(Clearance.SECRET)).get("/records/borrowings/").content.decode()
    assert "会议材料" in html and "涉密技术规格" in html
    low = verified_client(office_user(Clearance.INTERNAL)).get("/records/borrowings/").content.decode()
    assert "会议材料" in low and "涉密技术规格" not in low  # the title only for those cleared to read it
    assert verified_client(user_with(Clearance.TOP_SECRET)).get("/records/borrowings/").status_code == 403


def _overdue_loan(user_with):
    document = make_document()
    borrower = user_with(Clearance.SECRET)
    return Borrowing.objects.create(
        user=borrower, document=document, purpose="审阅", clearance=1, due_on=TODAY - datetime.timedelta(days=1)
    )


def test_overdue_loans_are_reminded_once_a_day(user_with):
    """O33: on due + 1 the borrower gets a reminder (a count and a link, never the title)."""
    loan = _overdue_loan(user_with)
    assert borrowing_overdue_remind(day=TODAY) == 1
    notice = Notification.objects.get(user=loan.user, kind="records.borrowing_overdue")
    assert "涉密技术规格" not in notice.message and notice.url == "/records/"
    assert borrowing_overdue_remind(day=TODAY) == 0
