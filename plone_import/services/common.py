"""Shared pieces of the import services."""

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models.signals import post_save

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


@contextmanager
def search_index_deferred(written):
    """Index each written object once, after the tree, instead of on each of its saves.

    Wagtail's search index (modelsearch) updates on every post_save, and an imported page is saved three times
    (created, revision, published). Its handler is detached while the import runs, in this process only (the
    import is a management command), and every object in `written` (model -> ids) is queued once at the end, through
    the same task the handler uses. The portal's own search index follows publishing and is not affected.
    """
    from modelsearch import index
    from modelsearch.signal_handlers import post_save_signal_handler
    from modelsearch.tasks import insert_or_update_object_task

    models = [m for m in index.get_indexed_models() if getattr(m, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
    for model, ids in written.items():
        for obj in (
            model.objects.filter(pk__in=ids).specific()
            if hasattr(model.objects, "specific")
            else model.objects.filter(pk__in=ids)
        ):
            insert_or_update_object_task.enqueue(obj._meta.app_label, obj._meta.model_name, str(obj.pk))
