"""Article-by-article comparison of two versions of a regulation."""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass
class ArticleChange:
    key: str
    label: str
    status: str
    old_text: str
    new_text: str

    @property
    def html(self):
        """The text with deletions in <del> and insertions in <ins>, character by character (Chinese has no spaces)."""
        if self.status == ADDED:
            return mark_safe(f"<ins>{escape(self.new_text)}</ins>")  # noqa: S308 - escaped above
        if self.status == REMOVED:
            return mark_safe(f"<del>{escape(self.old_text)}</del>")  # noqa: S308 - escaped above
        if self.status == SAME:
            return escape(self.new_text)
        parts = []
        matcher = difflib.SequenceMatcher(None, self.old_text, self.new_text, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op in {"replace", "delete"}:
                parts.append(f"<del>{escape(self.old_text[a0:a1])}</del>")
            if op in {"replace", "insert"}:
                parts.append(f"<ins>{escape(self.new_text[b0:b1])}</ins>")
            if op == "equal":
                parts.append(escape(self.new_text[b0:b1]))
        return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped


def _articles(chapters):
    return {
        article["key"]: (article["label"], "\n".join(article["clauses"]))
        for chapter in chapters
        for article in chapter["articles"]
    }


def articles_diff(old_chapters, new_chapters):
    """Changes in the new version's order, with removed articles placed after the one that preceded them."""
    old, new = _articles(old_chapters), _articles(new_chapters)
    changes = []
    for key, (label, text) in new.items():
        if key not in old:
            changes.append(ArticleChange(key, label, ADDED, "", text))
        else:
            status = SAME if old[key][1] == text else CHANGED
            changes.append(ArticleChange(key, label, status, old[key][1], text))
    old_keys = list(old)
    for index, key in enumerate(old_keys):
        if key in new:
            continue
        previous = next((k for k in reversed(old_keys[:index]) if k in new), None)
        position = next((i + 1 for i, c in enumerate(changes) if c.key == previous), 0) if previous else 0
        changes.insert(position, ArticleChange(key, old[key][0], REMOVED, old[key][1], ""))
    return changes


def diff_summary(changes):
    return {status: sum(1 for c in changes if c.status == status) for status in (ADDED, REMOVED, CHANGED)}
