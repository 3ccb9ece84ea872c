"""Shared pieces of the import services."""

import hashlib
import json
from dataclasses import dataclass, field

from home.models import ContentPage, EventPage, LinkPage, NewsPage, SectionIndexPage
from plone_import.models import ImportRun

PAGE_MODELS = {
    "folder": SectionIndexPage,
    "document": ContentPage,
    "news": NewsPage,
    "event": EventPage,
    "link": LinkPage,
}
PERSONAL_GROUP = "plone-user:%s"
NOBODY_GROUP = "plone-no-readers"
COLLECTION_NAME = "Plone"


@dataclass
class ImportResult:
    counts: dict = field(default_factory=dict)  # "kind action" -> n
    changes: list = field(default_factory=list)  # (path, action, [fields])
    problems: list = field(default_factory=list)
    decisions: list = field(default_factory=list)  # (path, kind, live state, readers, decision) for dry runs
    run: ImportRun | None = None
    report: object = None

    def count(self, kind, action, n=1):
        key = f"{kind} {action}"
        self.counts[key] = self.counts.get(key, 0) + n

    @property
    def errors(self):
        return [p for p in self.problems if p.level == "error"]


def hash_of(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
