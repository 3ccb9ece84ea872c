"""审批单 (PDF) of one request and the 台账 (Excel) of many."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.enums import Clearance

from .enums import DecisionAction, ReviewKind, ReviewStatus, StepRole
from .forms import kind_field_labels

CJK_FONT = "STSong-Light"  # a CID font every PDF reader has: no font file to ship
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def approval_form_pdf(review_request, decisions, attachments):
    """The printable 审批单: the request, its files (by hash), and every entry of its record."""
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=10, leading=14)
    heading = ParagraphStyle("heading", parent=body, fontSize=16, leading=22, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)

    def para(text, style=small):
        return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)  # Paragraph reads markup

    rr = review_request
    story = [
        Paragraph(escape(f"保密审查审批单（{ReviewKind(rr.kind).label}）"), heading),
        Paragraph(escape(f"密级：{rr.marking}"), body),
        Spacer(1, 6),
    ]
    if rr.reference_no:
        story.append(Paragraph(escape(f"审查意见编号：{rr.reference_no}"), body))
    summary = [
        ["申请编号", str(rr.pk), "状态", str(ReviewStatus(rr.status).label)],
        ["申请人", _person(rr.requester), "部门", rr.department.name if rr.department else ""],
        ["提交时间", _local(rr.submitted_at), "办结时间", _local(rr.decided_at)],
        ["标题", para(rr.title), "来源项目", para(rr.project)],
        [
            "计划日期",
            rr.planned_date.isoformat() if rr.planned_date else "",
            "自评密级",
            str(Clearance(rr.self_assessment).label),
        ],
        ["自评理由", para(rr.assessment_reasons), "", ""],
        ["内容摘要", para(rr.summary), "", ""],
    ]
    labels = kind_field_labels(rr.kind)
    for name, label in labels.items():
        value = (rr.details or {}).get(name)
        if value not in (None, ""):
            summary.append([str(label), para(value), "", ""])
    table = Table(summary, colWidths=[70, 190, 60, 190])
    spans = [("SPAN", (1, row), (3, row)) for row in range(5, len(summary))]
    table.setStyle(_grid(spans))
    story += [table, Spacer(1, 10), Paragraph("附件", body)]
    files = [["文件", "说明", "大小", "SHA-256"]] + [
        [para(a.original_name), para(a.label), str(a.size), para(a.sha256)] for a in attachments
    ]
    table = Table(files, colWidths=[140, 110, 50, 210], repeatRows=1)
    table.setStyle(_grid([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef7"))]))
    story += [table, Spacer(1, 10), Paragraph("审批记录", body)]
    rows = [["时间", "步骤", "人员", "角色", "意见", "批示条件", "签字认可"]]
    for d in decisions:
        rows.append(
            [
                _local(d.created_at),
                para(d.step_name),
                para(_person(d.actor)),
                str(StepRole(d.role).label) if d.role else "",
                para(
                    f"{DecisionAction(d.action).label}"
                    + ("（确认不会造成泄密）" if d.no_leak_confirmed else "")
                    + (f"\n{d.comment}" if d.comment else "")
                ),
                para(d.conditions),
                "动态口令已验证" if d.step_up_verified else "",
            ]
        )
    table = Table(rows, colWidths=[62, 80, 50, 55, 118, 85, 60], repeatRows=1)
    table.setStyle(_grid([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef7"))]))
    story += [table, Spacer(1, 8), Paragraph(escape(f"打印时间：{_local(timezone.now())}"), small)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="保密审查审批单", leftMargin=36, rightMargin=36).build(story)
    return buffer.getvalue()


def _grid(extra):
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *extra,
        ]
    )


REGISTER_COLUMNS = [
    "编号",
    "类型",
    "标题",
    "密级",
    "申请人",
    "部门",
    "状态",
    "当前步骤",
    "是否超期",
    "提交时间",
    "办结时间",
    "审查意见编号",
]


def _text_cells(sheet, values):
    """Cells a spreadsheet shows as text: a title starting with '=' must not become a formula."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def register_workbook(rows, stats):
    """rows: (request, current step name, overdue) tuples; stats: turnaround per step."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="保密审查台账")
    sheet.append([f"导出时间 {_local(timezone.now())}"])
    sheet.append(REGISTER_COLUMNS)
    for rr, step, overdue in rows:
        sheet.append(
            _text_cells(
                sheet,
                [
                    rr.pk,
                    str(ReviewKind(rr.kind).label),
                    rr.title,
                    rr.marking,
                    _person(rr.requester),
                    rr.department.name if rr.department else "",
                    str(ReviewStatus(rr.status).label),
                    step,
                    "是" if overdue else "",
                    _local(rr.submitted_at),
                    _local(rr.decided_at),
                    rr.reference_no or "",
                ],
            )
        )
    stats_sheet = workbook.create_sheet(title="各步骤办理时长")
    stats_sheet.append(["步骤", "办理数", "平均小时", "最长小时"])
    for entry in stats:
        stats_sheet.append(
            _text_cells(stats_sheet, [entry["step"], entry["count"], round(entry["avg"], 1), round(entry["max"], 1)])
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
