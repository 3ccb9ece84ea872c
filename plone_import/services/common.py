"""Shared pieces of the import services."""

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import prefetch_related_objects
from django.db.models.signals import post_save
from modelcluster.contrib.taggit import ClusterTaggableManager
from taggit.managers import TaggableManager

from home.models import ContentPage, EventPage, LinkPage, NewsPage, SectionIndexPage
from plone_import.models import ImportRun
from policies.models import RegulationPage

PAGE_MODELS = {
    "folder": SectionIndexPage,
    "document": ContentPage,
    "news": NewsPage,
    "event": EventPage,
    "link": LinkPage,
    "regulation": RegulationPage,
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
def admin_search_deferred(written, batch_size=500):
    """Index each written object in Wagtail's own search once, in batches, instead of on each of its saves.

    Wagtail's search index (modelsearch) updates on every post_save, and an imported page is saved more than once.
    Its handler is detached while the import runs, in this process only (the import is a management command), and
    every object in `written` (model -> ids) is then added through the backends' bulk path, one batch per model,
    as `update_index` does. The portal's own search index is deferred separately (search_indexing_deferred).
    """
    from modelsearch import index
    from modelsearch.backends import get_search_backends
    from modelsearch.signal_handlers import post_save_signal_handler

    models = [m for m in index.get_indexed_models() if getattr(m, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
    backends = list(get_search_backends(with_auto_update=True))
    for model, ids in written.items():
        ids = sorted(ids)
        for start in range(0, len(ids), batch_size):
            queryset = model.objects.filter(pk__in=ids[start : start + batch_size])
            objects = queryset.specific() if hasattr(queryset, "specific") else queryset
            by_class = {}
            for obj in objects:
                by_class.setdefault(type(obj), []).append(obj)
            for cls, batch in by_class.items():
                tags_preload(cls, batch)
            for backend in backends:
                for cls, batch in by_class.items():
                    backend.add_bulk(cls, batch)


def tags_preload(model, objects):
    """Load the tags of a batch in one query, so the index does not read them object by object.

    A page's tags (a ClusterTaggableManager) are held in memory as its tagged items, which is where the manager
    reads them first; a document's or image's tags are prefetched.
    """
    try:
        field = model._meta.get_field("tags")
    except FieldDoesNotExist:
        return
    if not isinstance(field, TaggableManager):
        return
    if not isinstance(field, ClusterTaggableManager):
        prefetch_related_objects(objects, "tags")
        return
    through = field.through
    by_object = {}
    for tagged in through.objects.filter(content_object_id__in=[obj.pk for obj in objects]).select_related("tag"):
        by_object.setdefault(tagged.content_object_id, []).append(tagged)
    for obj in objects:
        obj.tagged_items = by_object.get(obj.pk, [])
