"""Question-bank import and export as Excel: errors reported per row, nothing imported on any error."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from training.exports import BANK_COLUMNS
from training.models import Question
from training.services.importing import bank_import

GOOD = [
    [
        "",
        "单选",
        "技术保密工作小组的组长由谁担任？",
        "主管技术的领导\n人事部门负责人",
        "A",
        "第四条。",
        "技术保密管理规定",
        "第二条",
        "法规制度",
        "年度",
        "内部",
    ],
    [
        "",
        "多选",
        "载有技术秘密的资料应如何处理？",
        "注明密级\n采取保密措施\n随意放置",
        "AB",
        "",
        "技术保密管理规定",
        "第七条",
        "法规制度",
        "",
        "内部",
    ],
    ["", "判断", "保护技术秘密是每位职工的义务。", "", "正确", "", "", "", "法规制度", "", "内部"],
    ["", "填空", "必须注明____和密级字样。", "", "保密|保密字样", "", "", "", "法规制度", "", "机密"],
]


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(BANK_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def bank_admin(user_with):
    user = user_with(2)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_question", "view_question", "access_admin"])
    )
    return user


def test_a_valid_sheet_imports_every_question_with_its_source(source_regulation, category, bank_admin):
    result = bank_import(actor=bank_admin, data=_xlsx(GOOD))
    assert result.errors == [] and result.created == 4
    multiple = Question.objects.get(current_version__kind="multiple").current_version
    assert multiple.answer == [0, 1] and multiple.source_regulation_id == source_regulation.pk
    assert multiple.source_article == "第七条"
    assert Question.objects.get(current_version__kind="fill_in").effective_clearance == 2


def test_import_errors_are_reported_by_row_and_nothing_is_imported(source_regulation, category, bank_admin):
    """保密办 prepares 题库 in Excel: every bad row is named, and a sheet with one bad row imports nothing."""
    rows = [
        GOOD[0],
        ["", "问答", "未知题型", "", "A", "", "", "", "法规制度", "", "内部"],  # row 3
        ["", "单选", "答案越界", "甲\n乙", "D", "", "", "", "法规制度", "", "内部"],  # row 4
        [
            "",
            "单选",
            "条款不存在",
            "甲\n乙",
            "A",
            "",
            "技术保密管理规定",
            "第九十九条",
            "法规制度",
            "",
            "内部",
        ],  # row 5
        ["", "单选", "分类不存在", "甲\n乙", "A", "", "", "", "不存在的分类", "", "内部"],  # row 6
    ]
    result = bank_import(actor=bank_admin, data=_xlsx(rows))
    assert result.created == 0
    assert {row for row, _message in result.errors} == {3, 4, 5, 6}
    assert not Question.objects.exists()


def test_the_import_page_shows_the_row_errors_in_chinese(source_regulation, category, bank_admin, verified_client):
    client = verified_client(bank_admin)
    bad = _xlsx([GOOD[0], ["", "问答", "未知题型", "", "A", "", "", "", "法规制度", "", "内部"]])
    response = client.post(reverse("training_bank_import"), {"file": SimpleUploadedFile("bank.xlsx", bad)})
    html = response.content.decode()
    assert "未导入任何题目" in html and "第 3 行" in html and "未知题型“问答”" in html
    assert not Question.objects.exists()
    not_excel = client.post(reverse("training_bank_import"), {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert "不是 Excel 工作簿" in not_excel.content.decode()


def test_export_round_trips_and_leaves_out_questions_above_the_exporters_clearance(
    source_regulation, category, bank_admin, user_with, verified_client
):
    bank_import(actor=bank_admin, data=_xlsx(GOOD))
    client = verified_client(bank_admin)
    content = client.get(reverse("training_bank_export")).content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == BANK_COLUMNS and len(rows) == 5
    Question.objects.all().delete()
    again = bank_import(actor=bank_admin, data=content)
    assert again.errors == [] and again.created == 4

    low = user_with(0)
    low.user_permissions.add(*Permission.objects.filter(codename__in=["view_question", "access_admin"]))
    rows = list(
        load_workbook(io.BytesIO(verified_client(low).get(reverse("training_bank_export")).content)).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 4 and all(row[-1] == "内部" for row in rows[1:])


def test_importing_needs_the_permission(user_with, verified_client, category):
    client = verified_client(user_with(3))
    response = client.post(reverse("training_bank_import"), {"file": SimpleUploadedFile("b.xlsx", _xlsx(GOOD))})
    assert response.status_code in (302, 403)
    assert not Question.objects.exists()
