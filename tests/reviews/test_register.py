"""The 台账 for 保密办: filters, overdue, Excel export (formula-guarded) and turnaround per step."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry, TaskState

from reviews.enums import ReviewKind

pytestmark = pytest.mark.django_db


def test_only_the_secrecy_office_opens_the_register(org, make_request, verified_client):
    make_request(ReviewKind.PUBLICATION)
    for user in (org.engineer, org.pm, org.outsider):
        response = verified_client(user).get("/reviews/register/")
        assert response.status_code == 403 and "no-store" in response["Cache-Control"]
    assert verified_client(org.officer).get("/reviews/register/").status_code == 200


def test_register_filters_and_export_content(org, make_request, decide, verified_client):
    approved = make_request(ReviewKind.PUBLICATION, title='=HYPERLINK("http://x")')
    decide(org.pm, approved)
    decide(org.officer, approved)
    waiting = make_request(ReviewKind.VISIT, title="外宾参观")
    draft = make_request(ReviewKind.PATENT, title="草稿专利", submit=False)
    # The visit's department step started 10 days ago: past its 3 days.
    TaskState.objects.filter(workflow_state__object_id=str(waiting.pk), status="in_progress").update(
        started_at=timezone.now() - datetime.timedelta(days=10)
    )
    client = verified_client(org.officer)
    page = client.get("/reviews/register/", {"kind": "visit"}).content.decode()
    assert "外宾参观" in page and "HYPERLINK" not in page and draft.title not in page
    overdue = client.get("/reviews/register/", {"overdue": "1"}).content.decode()
    assert "外宾参观" in overdue and "HYPERLINK" not in overdue
    response = client.get("/reviews/register/", {"export": "xlsx"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["保密审查台账"].iter_rows(min_row=3, values_only=True))
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {approved.pk, waiting.pk}
    approved.refresh_from_db()
    assert by_id[approved.pk][1:8] == (
        "论文/稿件对外发表",
        '=HYPERLINK("http://x")',
        "秘密★5年",
        "engineer",
        "研发部",
        "已批准",
        None,
    )
    assert by_id[approved.pk][11] == approved.reference_no
    assert by_id[waiting.pk][6:9] == ("审批中", "部门审查（部门负责人/部门保密员）", "是")
    # The title is stored as text, not as a formula.
    cell = next(c for c in workbook["保密审查台账"]["C"] if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"
    stats = list(workbook["各步骤办理时长"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in stats} == {"部门审查（部门负责人/部门保密员）", "保密办审查（技术保密主管部门签字认可）"}
    assert ModelLogEntry.objects.filter(action="reviews.register_export", user=org.officer).exists()


def test_the_register_filters_by_department_and_date(org, make_request, verified_client, department, user_with):
    other_dept = department(name="生产部", code="prod")
    producer = user_with(1, other_dept, username="producer")
    mine = make_request(ReviewKind.EXCHANGE, title="研发部出访")
    make_request(ReviewKind.EXCHANGE, requester=producer, title="生产部出访")
    client = verified_client(org.officer)
    page = client.get("/reviews/register/", {"department": org.rd.pk}).content.decode()
    assert mine.title in page and "生产部出访" not in page
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "研发部出访" not in client.get("/reviews/register/", {"from": tomorrow}).content.decode()


def test_the_register_is_paged(org, make_request, verified_client, monkeypatch):
    from reviews import views

    monkeypatch.setattr(views, "REGISTER_PAGE_SIZE", 1)
    first = make_request(ReviewKind.EXCHANGE, title="第一项")
    second = make_request(ReviewKind.EXCHANGE, title="第二项")
    client = verified_client(org.officer)
    page_one = client.get("/reviews/register/", {"kind": "exchange"}).content.decode()
    page_two = client.get("/reviews/register/", {"kind": "exchange", "page": 2}).content.decode()
    assert (second.title in page_one) != (second.title in page_two)
    assert (first.title in page_one) != (first.title in page_two)
    assert "kind=exchange&amp;page=2" in page_one
