"""Snippets: the part of a hit's text where the query's words occur, escaped, with the words in <mark>."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

SNIPPET_CHARS = 120


def _pattern(words):
    words = [word for word in words if word]
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def snippet_window(text, words, width=SNIPPET_CHARS):
    """(start, end) of the window of `text` that holds the most distinct query words."""
    pattern = _pattern(words)
    matches = list(pattern.finditer(text)) if pattern else []
    if not matches:
        return 0, min(len(text), width)
    best, best_count = matches[0].start(), 0
    for first in matches:
        seen = {m.group(0).lower() for m in matches if first.start() <= m.start() < first.start() + width}
        if len(seen) > best_count:
            best, best_count = first.start(), len(seen)
    start = max(0, min(best - width // 4, len(text) - width))
    return start, min(len(text), start + width)


def highlight(text, words):
    """Escape `text` and wrap each occurrence of the words in <mark>."""
    pattern = _pattern(words)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(text, words, width=SNIPPET_CHARS):
    """Highlighted HTML snippet of `text` (already visible to the viewer: only returned hits are snippeted)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    start, end = snippet_window(text, words, width)
    body = highlight(text[start:end], words)
    return mark_safe(("…" if start else "") + body + ("…" if end < len(text) else ""))  # noqa: S308 - escaped above
