"""Excel (dashboard people, question bank) and PDF (certificate) files. Text cells never become formulas."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from portal.enums import CLEARANCE_MARK, PostCategory
from training.enums import AssignmentStatus, QuestionKind

CJK_FONT = "STSong-Light"  # a CID font every PDF reader has: no font file to ship
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PEOPLE_COLUMNS = [
    "工号",
    "姓名",
    "部门",
    "岗位类别",
    "课程",
    "周期",
    "应完成日期",
    "状态",
    "最高分",
    "用时(分钟)",
    "通过时间",
]
BANK_COLUMNS = ["编号", "题型", "题干", "选项", "答案", "解析", "来源制度", "来源条款", "分类", "标签", "密级"]
KIND_LABELS = {
    QuestionKind.SINGLE: "单选",
    QuestionKind.MULTIPLE: "多选",
    QuestionKind.TRUE_FALSE: "判断",
    QuestionKind.FILL_IN: "填空",
}
OPTION_LETTERS = "ABCDEFGHIJ"


def _cells(sheet, values):
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # shown as text, never evaluated
        cells.append(cell)
    return cells


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(sheet, value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # shown as text, never evaluated
        return cell
    return value


def people_workbook(rows, *, title):
    """Streaming workbook of drill-down rows (selectors.EXPORT_FIELDS tuples): memory stays flat for 200,000 rows.
    Only text that could start a formula gets a cell object; everything else is appended as plain values."""
    day = timezone.localdate()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="培训完成情况")
    sheet.append(_cells(sheet, [title]))
    sheet.append([f"导出时间 {_local(timezone.now())}"])
    sheet.append(PEOPLE_COLUMNS)
    categories = {value: str(label) for value, label in PostCategory.choices}
    statuses = {status: str(status.label) for status in AssignmentStatus}
    for (
        employee_no,
        first,
        last,
        username,
        department,
        category,
        course,
        cycle,
        due,
        tried,
        passed,
        score,
        secs,
    ) in rows:
        if passed:
            status = AssignmentStatus.PASSED
        elif due < day:
            status = AssignmentStatus.OVERDUE
        else:
            status = AssignmentStatus.FAILED if tried else AssignmentStatus.PENDING
        sheet.append(
            [
                _text(sheet, employee_no or ""),
                _text(sheet, f"{last}{first}" or username),
                _text(sheet, department or ""),
                categories.get(category, ""),
                _text(sheet, course),
                cycle,
                due.isoformat(),
                statuses[status],
                float(score) if score is not None else "",
                round(secs / 60, 1) if secs else "",
                _local(passed),
            ]
        )
    return _save(workbook)


DASHBOARD_COLUMNS = ["分组", "周期", "应培训", "已完成", "已通过", "逾期", "平均分", "平均用时(分钟)"]


def dashboard_workbook(rows, *, title):
    """The dashboard table as shown (one row per course, cycle, department or post category)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="培训统计")
    sheet.append(_cells(sheet, [title]))
    sheet.append([f"导出时间 {_local(timezone.now())}"])
    sheet.append(DASHBOARD_COLUMNS)
    for row in rows:
        sheet.append(
            [
                _text(sheet, str(row["label"])),
                row.get("cycle") or "",
                row["assigned"],
                row["completed"],
                row["passed"],
                row["overdue"],
                round(float(row["average_score"]), 1) if row["average_score"] is not None else "",
                row["average_minutes"] if row["average_minutes"] is not None else "",
            ]
        )
    return _save(workbook)


def campaign_workbook(report):
    """A campaign report (selectors.campaign_report) as shown: one row per department, then the total."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="宣传活动统计")
    campaign = report["campaign"]
    sheet.append(_cells(sheet, [campaign.title, campaign.marking]))
    sheet.append([f"导出时间 {_local(timezone.now())}"])
    header = ["部门", "应知悉人数", "已浏览人数", "浏览率(%)"]
    for contest in report["contests"]:
        name = contest["title"]
        header += [f"{name} 参赛人数", f"{name} 通过人数", f"{name} 参赛率(%)", f"{name} 平均分"]
    sheet.append(_cells(sheet, header))

    def line(label, row):
        values = [_text(sheet, label), row["audience"], row["viewers"], _blank(row["view_rate"])]
        for cell in row["contests"]:
            values += [cell["took"], cell["passed"], _blank(cell["rate"]), _blank(cell["average"])]
        return values

    for row in report["rows"]:
        sheet.append(line(row["department"], row))
    sheet.append(line("合计", report["total"]))
    return _save(workbook)


def _blank(value):
    return "" if value is None else value


def _answer_text(version):
    if version.kind == QuestionKind.FILL_IN:
        return "|".join(version.answer)
    if version.kind == QuestionKind.TRUE_FALSE:
        return "正确" if version.answer == [0] else "错误"
    return "".join(OPTION_LETTERS[i] for i in version.answer)


def bank_workbook(questions):
    """The question bank in the import layout (one sheet, one row per question, current version)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="题库")
    sheet.append(BANK_COLUMNS)
    for question in questions:
        version = question.current_version
        if version is None:
            continue
        options = "" if version.kind in (QuestionKind.FILL_IN, QuestionKind.TRUE_FALSE) else "\n".join(version.options)
        sheet.append(
            _cells(
                sheet,
                [
                    question.pk,
                    KIND_LABELS[version.kind],
                    version.text,
                    options,
                    _answer_text(version),
                    version.explanation,
                    version.source_regulation.title if version.source_regulation else "",
                    version.source_article,
                    question.category.name,
                    question.tags,
                    CLEARANCE_MARK[question.clearance],
                ],
            )
        )
    return _save(workbook)


def certificate_pdf(certificate):
    """One A4 landscape page: name, course, date, score and the verification code."""
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    title = ParagraphStyle("title", fontName=CJK_FONT, fontSize=28, leading=36, alignment=1)
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=14, leading=24, alignment=1)
    small = ParagraphStyle("small", fontName=CJK_FONT, fontSize=10, leading=14, alignment=1, textColor=colors.grey)
    user = certificate.user
    profile = getattr(user, "security_profile", None)
    course = certificate.course
    story = [Spacer(1, 40), Paragraph("保密培训合格证书", title), Spacer(1, 30)]
    if course.is_classified:
        story.append(Paragraph(escape(course.marking), body))
    lines = [
        f"{user.get_full_name() or user.get_username()}（工号 {profile.employee_no if profile else ''}）",
        f"于 {timezone.localtime(certificate.issued_at):%Y年%m月%d日} 完成课程《{course.title}》",
        f"考核成绩 {certificate.score} 分，成绩合格，特发此证。",
        f"学时 {course.study_hours}",
    ]
    story += [Paragraph(escape(line), body) for line in lines]  # Paragraph reads markup: text is escaped
    story += [
        Spacer(1, 30),
        Paragraph(escape(f"验证码：{certificate.code}"), body),
        Paragraph("可在保密门户 /training/verify/ 页面核验本证书", small),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title="保密培训合格证书").build(story)
    return buffer.getvalue()
