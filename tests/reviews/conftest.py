import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.oath import totp

from portal.enums import Clearance
from reviews import services
from reviews.chains import chains_ensure
from reviews.enums import ReviewKind
from reviews.models import DEPARTMENT_OFFICER_GROUP, LEADER_GROUP, OFFICE_GROUP, ReviewRequest
from tests.conftest import totp_device

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

KIND_DETAILS = {
    ReviewKind.PUBLICATION: {"venue": "《机械工程学报》", "authors": "李工", "abstract": "摘要"},
    ReviewKind.PATENT: {
        "patent_type": "ordinary",
        "inventors": "李工",
        "classification_record": "不涉密",
        "claims": "1.",
    },
    ReviewKind.EXCHANGE: {
        "event": "国际会议",
        "organiser": "学会",
        "country": "德国",
        "end_date": "2026-09-03",
        "materials": "报告幻灯片",
    },
    ReviewKind.EXHIBITION: {
        "exhibition": "工业博览会",
        "organiser": "组委会",
        "place": "深圳",
        "end_date": "2026-10-12",
        "exhibits": "样机外观模型",
        "staff": "李工",
    },
    ReviewKind.VISIT: {
        "visitors": "张三 某公司 中国",
        "organisation": "某公司",
        "purpose": "visit",
        "end_date": "2026-08-01",
        "route": "一号楼展厅",
        "content": "公开产品",
        "escort": "王强",
    },
    ReviewKind.DISCLOSURE: {
        "recipient": "合作方",
        "basis": "cooperation",
        "materials": "接口规范（内部）",
        "nda_reference": "NDA-2026-01",
    },
}


@dataclass
class Org:
    rd: object
    engineer: object
    pm: object
    dept_officer: object
    officer: object
    leader: object
    outsider: object
    colleague: object


@pytest.fixture
def chains(db):
    return chains_ensure()


@pytest.fixture
def org(db, department, user_with, chains):
    rd = department(name="研发部", code="rd")
    office_dept = department(name="保密办", code="secrecy-office")
    gm = department(name="总经办", code="gm-office")
    engineer = user_with(Clearance.SECRET, rd, username="engineer")
    pm = user_with(Clearance.CONFIDENTIAL, rd, username="pm")
    rd.head = pm
    rd.save()
    dept_officer = user_with(Clearance.SECRET, rd, username="rd-officer")
    dept_officer.groups.add(Group.objects.get(name=DEPARTMENT_OFFICER_GROUP))
    officer = user_with(Clearance.CONFIDENTIAL, office_dept, username="officer")
    officer.groups.add(Group.objects.get(name=OFFICE_GROUP))
    leader = user_with(Clearance.TOP_SECRET, gm, username="leader")
    leader.groups.add(Group.objects.get(name=LEADER_GROUP))
    outsider = user_with(Clearance.TOP_SECRET, gm, username="outsider")
    colleague = user_with(Clearance.CONFIDENTIAL, rd, username="colleague")
    return Org(rd, engineer, pm, dept_officer, officer, leader, outsider, colleague)


def token_for(user, *, fresh=True):
    """A current TOTP code. fresh: forget the last used time step, as if a new 30 s window had begun."""
    device = totp_device(user)
    if fresh:
        device.last_t = -1
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def make_request(org):
    """make_request(kind, requester=None, submit=True, **fields) → a ReviewRequest built through the services."""

    def make(kind=ReviewKind.PUBLICATION, requester=None, *, submit=True, **fields):
        requester = requester or org.engineer
        values = {
            "kind": kind,
            "title": f"测试申请 {kind}",
            "summary": "摘要",
            "project": "项目A",
            "planned_date": datetime.date(2026, 9, 1),
            "self_assessment": Clearance.INTERNAL,
            "assessment_reasons": "不涉密",
            "details": dict(KIND_DETAILS[kind]),
            "clearance": Clearance.SECRET,
            "secrecy_term": "5年",
            "classification_basis": "保密审查申请材料",
        }
        values.update(fields)
        rr = services.request_save(user=requester, review_request=ReviewRequest(**values), is_new=True)
        services.attachment_add(
            user=requester,
            review_request=rr,
            upload=SimpleUploadedFile("manuscript.pdf", PDF_BYTES, content_type="application/pdf"),
            label="稿件",
        )
        if submit:
            services.request_submit(user=requester, review_request=rr)
        rr.refresh_from_db()
        return rr

    return make


@pytest.fixture
def decide(verified_client, django_capture_on_commit_callbacks):
    """decide(user, rr, action="approve", **fields) → response of the decision POST, signed with a fresh code."""
    from reviews import selectors

    def run(user, rr, action="approve", *, token=None, client=None, task_state=None, **fields):
        client = client or verified_client(user)
        if task_state is None:
            current = selectors.current_task_state(rr)
            task_state = current.pk if current else ""
        data = {"action": action, "task_state": task_state, "no_leak_confirmed": "on", **fields}
        if action in ("approve", "reject"):
            data["otp_token"] = token if token is not None else token_for(user)
        if action in ("request_changes", "reject", "comment"):
            data.setdefault("comment", "请修改")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/reviews/{rr.pk}/decide/", data)
        rr.refresh_from_db()
        return response

    return run
