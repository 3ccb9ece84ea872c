"""Plain text of an uploaded document, for the index. PDF (pypdf), DOCX (python-docx) and TXT; others give ""."""

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

MAX_CHARS = 200_000
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def _pdf_text(handle):
    from pypdf import PdfReader

    reader = PdfReader(handle)
    parts, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= MAX_CHARS:
            break
    return "\n".join(parts)


def _docx_text(handle):
    from docx import Document

    document = Document(handle)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _txt_text(handle):
    raw = handle.read(MAX_CHARS * 4)
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


EXTRACTORS = {".pdf": _pdf_text, ".docx": _docx_text, ".txt": _txt_text, ".md": _txt_text}


def document_text(document):
    """The document's text, or "" when the format is not supported or the file cannot be read."""
    extractor = EXTRACTORS.get(Path(document.file.name).suffix.lower())
    if extractor is None:
        return ""
    try:
        with document.file.open("rb") as handle:
            return extractor(handle)[:MAX_CHARS]
    except Exception:  # a damaged upload must not stop indexing; the id (never the title) is logged
        logger.warning("search: could not extract text from document %s", document.pk, exc_info=True)
        return ""
