"""The requester's and approver's pages: a form per kind, my requests, 待我审批 on the portal home and the
Wagtail dashboard, the 审批单 PDF."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from reviews.enums import ReviewKind, ReviewStatus
from reviews.models import ReviewRequest

from .conftest import KIND_DETAILS, PDF_BYTES

pytestmark = pytest.mark.django_db

COMMON = {
    "summary": "摘要",
    "project": "项目A",
    "planned_date": "2026-09-01",
    "self_assessment": 0,
    "assessment_reasons": "不涉及技术秘密的实质性内容",
    "clearance": 1,
    "secrecy_term": "5年",
    "classification_basis": "保密审查申请材料",
}


@pytest.mark.parametrize("kind", ReviewKind.values)
def test_each_kind_has_its_form_and_a_draft_can_be_saved_and_submitted(kind, org, verified_client, home):
    """Drafts are saved; submitting starts the kind's workflow (obligations §2: what the requester attaches)."""
    client = verified_client(org.engineer)
    page = client.get(f"/reviews/new/{kind}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "保存草稿" in body and "自评理由" in body
    for name in KIND_DETAILS[kind]:
        assert f'name="{name}"' in body
    response = client.post(f"/reviews/new/{kind}/", {**COMMON, "title": f"申请-{kind}", **KIND_DETAILS[kind]})
    assert response.status_code == 302
    rr = ReviewRequest.objects.get(title=f"申请-{kind}")
    assert rr.status == ReviewStatus.DRAFT and rr.requester == org.engineer and rr.department == org.rd
    assert rr.clearance == 1 and rr.details.items() >= KIND_DETAILS[kind].items()
    upload = SimpleUploadedFile("稿件.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(f"/reviews/{rr.pk}/attachments/", {"file": upload, "label": "材料"})
    client.post(f"/reviews/{rr.pk}/submit/")
    rr.refresh_from_db()
    assert rr.status == ReviewStatus.IN_REVIEW and rr.workflow.name.startswith("保密审查")
    detail = client.get(f"/reviews/{rr.pk}/").content.decode()
    assert "审批中" in detail and "部门审查" in detail and "赵" not in detail  # holders listed by username here
    assert "pm" in detail
    assert f"申请-{kind}" in client.get("/reviews/").content.decode()


def test_a_publication_cannot_be_submitted_without_its_manuscript(org, make_request, verified_client):
    rr = make_request(ReviewKind.PUBLICATION, submit=False)
    rr.attachments.all().delete()
    client = verified_client(org.engineer)
    client.post(f"/reviews/{rr.pk}/submit/")
    rr.refresh_from_db()
    assert rr.status == ReviewStatus.DRAFT
    assert "请先上传待审查的材料" in client.get(f"/reviews/{rr.pk}/").content.decode()


def test_a_requester_cannot_mark_above_their_own_clearance(org, verified_client):
    client = verified_client(org.engineer)  # 秘密
    response = client.post(
        f"/reviews/new/{ReviewKind.PATENT}/",
        {**COMMON, "clearance": 3, "title": "绝密专利", **KIND_DETAILS[ReviewKind.PATENT]},
    )
    assert response.status_code == 200
    assert not ReviewRequest.objects.filter(title="绝密专利").exists()


def test_queue_home_panel_and_dashboard_panel_show_only_what_the_user_holds(org, make_request, verified_client, home):
    rr = make_request(ReviewKind.PUBLICATION)
    pm = verified_client(org.pm)
    queue = pm.get("/reviews/queue/").content.decode()
    assert rr.title in queue
    assert "1 项保密审查申请等待您审批" in pm.get("/").content.decode()
    officer = verified_client(org.officer)
    assert rr.title not in officer.get("/reviews/queue/").content.decode()
    assert "保密审查申请等待您审批" not in officer.get("/").content.decode()
    org.pm.user_permissions.add(Permission.objects.get(codename="access_admin"))
    dashboard = verified_client(org.pm).get("/admin/")
    assert dashboard.status_code == 200
    assert "1 项保密审查申请等待您审批" in dashboard.content.decode()
    assert rr.title not in dashboard.content.decode()


def test_the_approval_form_pdf_lists_every_decision_and_the_reference(org, make_request, decide, verified_client):
    """000 第十六条: the 审批单 carries the decisions with approver, role, time, comment, conditions, and the
    审查意见 reference number."""
    rr = make_request(ReviewKind.PUBLICATION)
    decide(org.pm, rr, comment="部门同意")
    decide(org.officer, rr, comment="同意发表", conditions="删除第3节")
    response = verified_client(org.engineer).get(f"/reviews/{rr.pk}/approval-form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert rr.title not in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    for expected in (
        rr.reference_no,
        "部门同意",
        "同意发表",
        "删除第3节",
        "保密办",
        "部门负责人",
        "动态口令已验证",
        "pm",
        "officer",
    ):
        assert expected in compact, expected


def test_a_new_form_is_prefilled_with_the_default_marking(org, verified_client):
    """The marking defaults to 秘密 with a term and basis, so a requester can save without knowing 定密 rules."""
    body = verified_client(org.engineer).get(f"/reviews/new/{ReviewKind.PUBLICATION}/").content.decode()
    assert 'value="5年"' in body and 'value="保密审查申请材料"' in body
    assert '<option value="1" selected>' in body
