"""PDF and Excel output of the records app: signed agreements, the 保密档案, the 定密台账, and the borrower's
watermark stamped on served PDFs."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

CJK_FONT = "STSong-Light"  # a CID font every PDF reader has: no font file to ship
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _font():
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _styles():
    _font()
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=10, leading=15)
    return {
        "body": body,
        "heading": ParagraphStyle("heading", parent=body, fontSize=16, leading=22),
        "h2": ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=8),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
    }


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else ""


def _paragraphs(text, style):
    # Paragraph reads markup: text is escaped, line breaks kept.
    return [Paragraph(escape(part).replace("\n", "<br/>"), style) for part in text.split("\n\n")]


def _table(rows, style, widths=None):
    cells = [[Paragraph(escape(str(cell)), style) for cell in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _build(story, title):
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=40, rightMargin=40).build(story)
    return buffer.getvalue()


def agreement_pdf(agreement):
    """The signed text exactly as snapshotted, followed by the signature record."""
    styles = _styles()
    user = agreement.user
    profile = getattr(user, "security_profile", None)
    story = [Paragraph(escape(agreement.template.title), styles["heading"]), Spacer(1, 8)]
    story += _paragraphs(agreement.text_snapshot, styles["body"])
    story += [
        Spacer(1, 12),
        Paragraph("签署记录", styles["h2"]),
        _table(
            [
                ["项目", "内容"],
                [
                    "签署人",
                    f"{user.get_full_name() or user.get_username()}（{profile.employee_no if profile else ''}）",
                ],
                ["模板版本", f"v{agreement.version.number}"],
                ["签署时间", local(agreement.signed_at)],
                ["签字认可（动态口令设备）", agreement.otp_device_id],
                ["签署IP", agreement.ip_address or ""],
                ["文本SHA-256", agreement.text_sha256],
                ["签署记录SHA-256", agreement.signature_sha256],
            ],
            styles["small"],
            widths=[120, 380],
        ),
    ]
    return _build(story, agreement.template.title)


def dossier_pdf(*, person, sections):
    """The 保密档案: one table per section (profile, clearance history, agreements, borrowings, other apps')."""
    styles = _styles()
    story = [
        Paragraph("保密档案", styles["heading"]),
        Paragraph(escape(person.get_full_name() or person.get_username()), styles["body"]),
        Paragraph(f"生成时间：{local(timezone.now())}", styles["small"]),
    ]
    for section in sections:
        story.append(Paragraph(escape(str(section.title)), styles["h2"]))
        if section.rows:
            story.append(_table([[str(c) for c in section.columns], *section.rows], styles["small"]))
        else:
            story.append(Paragraph("—", styles["small"]))
    return _build(story, "保密档案")


def watermark_pdf(data, text):
    """Stamp `text` (the borrower's name, 工号 and time) diagonally on every page; returns the new PDF bytes."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    _font()
    stamps = {}
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        key = (round(width), round(height))
        if key not in stamps:
            buffer = io.BytesIO()
            sheet = canvas.Canvas(buffer, pagesize=(width, height))
            sheet.setFont(CJK_FONT, 18)
            sheet.setFillColor(colors.Color(0.6, 0.1, 0.1, alpha=0.25))
            sheet.translate(width / 2, height / 2)
            sheet.rotate(35)
            for offset in (-height / 3, 0, height / 3):
                sheet.drawCentredString(0, offset, text)
            sheet.save()
            stamps[key] = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
        page.merge_page(stamps[key])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


REGISTER_COLUMNS = ["类型", "编号", "名称", "密级", "保密期限", "期限至", "定密依据", "定密责任人", "知悉范围"]


def _text_cells(sheet, values):
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # a title starting with '=' must not become a formula
        cells.append(cell)
    return cells


def register_workbook(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="定密台账")
    sheet.append([f"导出时间 {local(timezone.now())}"])
    sheet.append(REGISTER_COLUMNS)
    for row in rows:
        sheet.append(
            _text_cells(
                sheet,
                [
                    row.type_label,
                    row.pk,
                    row.title,
                    row.clearance_label,
                    row.term,
                    row.until.isoformat() if row.until else "",
                    row.basis,
                    row.classifier,
                    row.scope,
                ],
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
