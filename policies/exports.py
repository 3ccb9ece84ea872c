"""Evidence exports: the acknowledgement list as Excel, a person's acknowledgement record as PDF."""

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

from portal.enums import PostCategory

CJK_FONT = "STSong-Light"  # a CID font every PDF reader has: no font file to ship
ACK_COLUMNS = [
    "工号",
    "姓名",
    "用户名",
    "部门",
    "岗位类别",
    "制度",
    "版本",
    "应签收日期",
    "状态",
    "签收时间",
    "签收IP",
    "所签文本SHA-256",
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cells(sheet, values):
    """Cells that a spreadsheet shows as text: a title starting with '=' must not become a formula."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else ""


def _ack_row(ack, day):
    profile = getattr(ack.user, "security_profile", None)
    department = profile.department.name if profile and profile.department else ""
    category = PostCategory(profile.post_category).label if profile else ""
    return [
        profile.employee_no if profile else "",
        ack.user.get_full_name() or ack.user.get_username(),
        ack.user.get_username(),
        department,
        str(category),
        ack.version.title,
        f"v{ack.version.number}",
        ack.due_on.isoformat(),
        str(ack.status_on(day).label),
        _local(ack.acknowledged_at),
        ack.ip_address or "",
        ack.text_sha256,
    ]


def acks_workbook(acks, *, title):
    """A streaming (write-only) workbook: memory stays flat for 100,000 rows."""
    day = timezone.localdate()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="签收情况")
    sheet.append(_text_cells(sheet, [title]))
    sheet.append([f"导出时间 {_local(timezone.now())}"])
    sheet.append(ACK_COLUMNS)
    for ack in acks.iterator(chunk_size=2000):
        sheet.append(_text_cells(sheet, _ack_row(ack, day)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person_evidence_pdf(user, acks):
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=10, leading=14)
    heading = ParagraphStyle("heading", parent=body, fontSize=16, leading=22)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    profile = getattr(user, "security_profile", None)
    story = [
        Paragraph("保密制度签收记录", heading),
        Spacer(1, 6),
        Paragraph(
            escape(
                f"姓名：{user.get_full_name() or user.get_username()}　工号：{profile.employee_no if profile else ''}"
                f"　部门：{profile.department.name if profile and profile.department else ''}"
            ),
            body,
        ),
        Paragraph(f"生成时间：{_local(timezone.now())}", body),
        Spacer(1, 10),
    ]
    day = timezone.localdate()
    rows = [["制度", "版本", "应签收", "状态", "签收时间", "IP", "文本SHA-256"]]
    for ack in acks:
        rows.append(
            [
                Paragraph(escape(ack.version.title), small),  # Paragraph reads markup: text must be escaped
                f"v{ack.read_version.number if ack.read_version else ack.version.number}",
                ack.due_on.isoformat(),
                str("已取代" if ack.superseded_at and not ack.acknowledged_at else ack.status_on(day).label),
                _local(ack.acknowledged_at),
                ack.ip_address or "",
                Paragraph(escape(ack.text_sha256 or ""), small),
            ]
        )
    table = Table(rows, colWidths=[120, 30, 55, 45, 80, 60, 120], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="保密制度签收记录", leftMargin=36, rightMargin=36).build(story)
    return buffer.getvalue()
