"""Question-bank import from Excel: every row is checked first; one bad row imports nothing, and each problem is
reported with its row number."""

import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from policies.models import RegulationPage
from portal.enums import CLEARANCE_MARK
from training.enums import QuestionKind
from training.exports import BANK_COLUMNS, KIND_LABELS, OPTION_LETTERS
from training.models import Question, QuestionCategory
from training.services.bank import question_save, version_errors

KINDS = {label: kind for kind, label in KIND_LABELS.items()}
CLEARANCES = {mark: level for level, mark in CLEARANCE_MARK.items()}
MAX_ROWS = 5000
# 5,000 rows of questions unpack to a few megabytes; anything far larger is a zip bomb, refused before parsing.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _unpacked_size(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


@dataclass
class ImportResult:
    created: int = 0
    errors: list = field(default_factory=list)  # [(row number, message)]


def _text(value):
    return "" if value is None else str(value).strip()


def _answer(kind, raw, options):
    if kind == QuestionKind.FILL_IN:
        return [part.strip() for part in raw.split("|") if part.strip()]
    if kind == QuestionKind.TRUE_FALSE:
        return {"正确": [0], "对": [0], "√": [0], "错误": [1], "错": [1], "×": [1]}.get(raw)
    letters = [ch for ch in raw.upper() if not ch.isspace() and ch not in ",，、"]
    if not letters or any(ch not in OPTION_LETTERS for ch in letters):
        return None
    return sorted({OPTION_LETTERS.index(ch) for ch in letters})


def _row(values, regulations, categories):
    """(content dict, category, tags, clearance, messages) of one sheet row."""
    cells = dict(zip(BANK_COLUMNS, [_text(v) for v in values], strict=False))
    messages = []
    kind = KINDS.get(cells.get("题型", ""))
    if kind is None:
        messages.append(_("Unknown question type “%(value)s”.") % {"value": cells.get("题型", "")})
        return None, messages
    options = [line.strip() for line in cells.get("选项", "").splitlines() if line.strip()]
    answer = _answer(kind, cells.get("答案", ""), options)
    if answer is None:
        messages.append(_("Unreadable answer “%(value)s”.") % {"value": cells.get("答案", "")})
        answer = []
    regulation = None
    if cells.get("来源制度"):
        regulation = regulations.get(cells["来源制度"])
        if regulation is None:
            messages.append(_("No regulation titled “%(value)s”.") % {"value": cells["来源制度"]})
    category = categories.get(cells.get("分类", ""))
    if category is None:
        messages.append(_("No question category “%(value)s”.") % {"value": cells.get("分类", "")})
    clearance = CLEARANCES.get(cells.get("密级") or "内部")
    if clearance is None:
        messages.append(_("Unknown classification “%(value)s”.") % {"value": cells.get("密级", "")})
    content = {
        "kind": kind,
        "text": cells.get("题干", ""),
        "options": options,
        "answer": answer,
        "explanation": cells.get("解析", ""),
        "source_regulation": regulation,
        "source_article": cells.get("来源条款", ""),
    }
    if not messages:
        messages += version_errors(**content)
    return {
        "content": content,
        "category": category,
        "tags": cells.get("标签", ""),
        "clearance": clearance,
    }, messages


def bank_import(*, actor, data):
    """Import questions from an .xlsx (bytes) in the export layout."""
    result = ImportResult()
    try:
        if _unpacked_size(data) > MAX_UNPACKED_BYTES:
            result.errors.append((0, _("The file is too large.")))
            return result
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 - any unreadable upload is the same answer to the user
        result.errors.append((0, _("The file is not an Excel workbook (.xlsx).")))
        return result
    regulations = {title: page for page, title in ((p, p.title) for p in RegulationPage.objects.live())}
    categories = {c.name: c for c in QuestionCategory.objects.all()}
    parsed = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS + 1:
            result.errors.append((number, _("Too many rows: at most %(max)s.") % {"max": MAX_ROWS}))
            break
        if not any(v not in (None, "") for v in values):
            continue
        row, messages = _row(values, regulations, categories)
        result.errors += [(number, message) for message in messages]
        if not messages:
            parsed.append(row)
    if result.errors or not parsed:
        if not parsed and not result.errors:
            result.errors.append((0, _("The sheet has no questions.")))
        return result
    with transaction.atomic():
        for row in parsed:
            clearance = row["clearance"]
            question = Question(
                category=row["category"],
                tags=row["tags"],
                clearance=clearance,
                secrecy_term="长期" if clearance else "",
                classification_basis=_("Imported question bank") if clearance else "",
            )
            question_save(actor=actor, question=question, **row["content"])
            result.created += 1
    return result
