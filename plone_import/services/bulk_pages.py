"""New pages in batches: a run of new items becomes pages with a few INSERTs per table, not a save per page.

A batch writes what one-by-one creation (treebeard's add_child, Page.save, save_revision and publish) leaves
behind: page rows with their tree path, depth, numchild and url_path; the effective marking and neutral slug,
computed from the parent in memory as portal.services.marking does on save; the specific rows; scope and tag rows;
one revision per page (also the live revision of a page that goes live); the same log entries; the import records.
Pending items then enter their workflow one by one.

A batch is one savepoint: if any of its writes fails, none stays and its items are imported again one by one, each
in its own transaction, so an item is never half imported. Scheduled pages, regulations and updates always go one
by one (their publishing signals and moves matter).
"""

import uuid
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import get_active_log_context
from wagtail.models import PageLogEntry, Revision

from portal.enums import Clearance
from portal.models import PortalPage
from portal.models.marking import narrow_scope, scope_ids, scope_key
from portal.services.audit import log_label_for
from portal.services.marking import NEUTRAL_SLUG_PREFIX, neutral_slug

from ..export import parse_date
from ..models import ItemKind, PloneItem
from .common import PAGE_MODELS

BATCH_SIZE = 200
# What Wagtail fills in itself or the batch sets: not validated field by field before the INSERT.
UNCHECKED_FIELDS = {
    "path",
    "depth",
    "numchild",
    "url_path",
    "slug",
    "content_type",
    "locale",
    "translation_key",
    "latest_revision",
    "live_revision",
    "effective_clearance",
    "effective_scope",
    "scope",
}


@dataclass
class PlannedPage:
    item: object
    kind: str
    page: PortalPage
    record: PloneItem
    scope: list
    actor: object
    state: str  # live | draft | moderation
    expired: bool


@dataclass
class TreeNode:
    """What a batch needs of a page that gets children: its place, url_path, marking and the slugs below it."""

    pk: int | None
    path: str
    depth: int
    url_path: str
    clearance: int
    scope: set | None
    locale_id: int
    last_step: int = 0
    slugs: set = field(default_factory=set)
    new_children: int = 0
    page: object = None  # a page of this batch, until it is written


def slug_base(item):
    """The slug a page takes from its Plone id (before a suffix that makes it unique among its siblings)."""
    return slugify(item.slug.replace(".", "-"), allow_unicode=True)[:200] or f"item-{item.uid[:8]}"


class BulkPagesMixin:
    # -- planning (in memory, before any write) ------------------------------------------------------------------

    def _batch_add(self, item, kind, record, snapshot, checksum):
        """Plan a new page for the next batch. False if the item must be imported on its own."""
        if not self.bulk or record is not None or kind not in PAGE_MODELS or kind == "regulation":
            return False
        if PAGE_MODELS[kind]._meta.get_parent_list() != [PortalPage]:
            return False  # the batch writes the base table and one specific table
        if item.parent_uid and item.parent_uid != self.export.root.uid:
            in_batch = any(planned.item.uid == item.parent_uid for planned in self.batch if planned.kind == "folder")
            parent_record = self.records.get(item.parent_uid)
            if not in_batch and (parent_record is None or not parent_record.page_id):
                return False
        now = timezone.now()
        effective = parse_date(item.raw.get("effective"), "effective")
        if effective and effective > now:
            return False  # scheduled: Wagtail's publish records the go-live date
        if not self.batch:
            self.batch_first_problem = len(self.result.problems)
        page = PAGE_MODELS[kind]()
        scope, effective, expires = self._page_fields(page, item, kind, now)
        state = self.live_state(item)
        expired = bool(expires and expires <= now)
        self._page_check(page, live=state == "live" and not expired)
        if state == "live" and not expired:
            self._published_fields(page, item, effective, now)
        else:
            created = parse_date(item.raw.get("created"), "created")
            modified = parse_date(item.raw.get("modified"), "modified") or created
            page.live = False
            page.has_unpublished_changes = True
            page.expired = expired
            page.latest_revision_created_at = modified or now
        record = PloneItem(
            uid=item.uid,
            kind=ItemKind.PAGE,
            checksum=checksum if item.uid not in self.pending_links else "",
            snapshot=snapshot,
            path=item.path,
            portal_type=item.portal_type,
            review_state=item.review_state or "",
            created=parse_date(item.raw.get("created"), "created"),
            modified=parse_date(item.raw.get("modified"), "modified"),
        )
        self.batch.append(PlannedPage(item, kind, page, record, scope, self._actor(item), state, expired))
        return True

    @staticmethod
    def _page_check(page, *, live):
        """The field checks Page.save runs (full_clean when live, the title when a draft), without its queries."""
        if live:
            # Foreign keys were looked up by the import itself: checking each one again would be a query per field.
            relations = {f.name for f in page._meta.fields if f.is_relation}
            page.clean_fields(exclude=UNCHECKED_FIELDS | relations)
            page.clean_marking()
        elif not page.title:
            raise ValidationError({"title": ValidationError(page._meta.get_field("title").error_messages["blank"])})

    # -- writing -------------------------------------------------------------------------------------------------

    def _batch_flush(self):
        batch, self.batch = self.batch, []
        if not batch:
            return
        first_problem = self.batch_first_problem
        try:
            with transaction.atomic():
                self._batch_write(batch)
        except Exception:  # noqa: BLE001 - every item is imported again on its own and reports its own error
            self._rolled_back()
            # Planning these items reported their warnings; the one-by-one import reports them again.
            paths = {planned.item.path for planned in batch}
            self.result.problems[first_problem:] = [
                p for p in self.result.problems[first_problem:] if p.where not in paths
            ]
            for planned in batch:
                self._item_import(planned.item, bulk=False)
            return
        for planned in batch:
            self.records[planned.item.uid] = planned.record
            self.written_pages.add(planned.page.pk)
            self.created_pages.add(planned.page.pk)
            self.result.count(planned.kind, "created")

    def _batch_write(self, batch):
        now = timezone.now()
        nodes = self._batch_tree(batch)
        for planned in batch:
            self._batch_place(planned, nodes)
        for planned in batch:
            if planned.kind == "news":
                planned.page.image = self._lead_image(planned.item, planned.record, planned.scope)

        pages = [planned.page for planned in batch]
        PortalPage.objects.bulk_create(pages, batch_size=BATCH_SIZE)
        for page in pages:
            page.portalpage_ptr_id = page.id
        by_model = {}
        for page in pages:
            by_model.setdefault(type(page), []).append(page)
        for model, objs in by_model.items():
            _own_rows_insert(model, objs)

        through = PortalPage.scope.through
        through.objects.bulk_create(
            [through(portalpage_id=p.page.pk, group_id=g.pk) for p in batch for g in p.scope], batch_size=500
        )
        tag_rows = {}
        for page in pages:
            if hasattr(page, "tagged_items"):
                for tagged in page.tagged_items.all():
                    tagged.content_object_id = page.pk
                    tag_rows.setdefault(type(tagged), []).append(tagged)
        for model, rows in tag_rows.items():
            model.objects.bulk_create(rows, batch_size=500)

        base_type = ContentType.objects.get_for_model(PortalPage)
        revisions = [
            Revision(
                content_type=ContentType.objects.get_for_model(planned.page),
                base_content_type=base_type,
                object_id=str(planned.page.pk),
                user=planned.actor,
                content=planned.page.serializable_data(),
                object_str=str(planned.page),
                created_at=planned.page.latest_revision_created_at,
            )
            for planned in batch
        ]
        Revision.objects.bulk_create(revisions, batch_size=BATCH_SIZE)
        for planned, revision in zip(batch, revisions, strict=True):
            planned.page.latest_revision = revision
            if planned.page.live:
                planned.page.live_revision = revision
        _revisions_link(pages)
        for node in nodes.values():
            if node.pk is not None and node.new_children:
                PortalPage.objects.filter(pk=node.pk).update(numchild=F("numchild") + node.new_children)

        context = get_active_log_context()
        entries = []
        for planned in batch:
            page = planned.page
            common = {
                "page_id": page.pk,
                "content_type": ContentType.objects.get_for_model(page, for_concrete_model=False),
                "label": log_label_for(page, page.get_admin_display_title()),
                "timestamp": now,
                "uuid": context.uuid,
            }
            entries.append(
                PageLogEntry(action="wagtail.create", user=page.owner or context.user, content_changed=True, **common)
            )
            entries.append(
                PageLogEntry(
                    action="plone_import.import",
                    user=self.actor or context.user,
                    data={"uid": planned.item.uid, "path": planned.item.path, "created": True},
                    **common,
                )
            )
        PageLogEntry.objects.bulk_create(entries, batch_size=500)

        for planned in batch:
            planned.record.page = planned.page
        PloneItem.objects.bulk_create([planned.record for planned in batch], batch_size=BATCH_SIZE)
        for planned in batch:
            if planned.state == "moderation":
                self._moderation_start(planned.page, planned.item, planned.actor, created=True)

    def _batch_tree(self, batch):
        """TreeNodes of the existing pages the batch adds children to (one query for them, one per parent)."""
        root_uid = self.export.root.uid
        planned_uids = {planned.item.uid for planned in batch}
        parent_ids = set()
        for planned in batch:
            parent_uid = planned.item.parent_uid
            if not parent_uid or parent_uid == root_uid:
                parent_ids.add(self.parent.pk)
            elif parent_uid not in planned_uids:
                parent_ids.add(self.records[parent_uid].page_id)
        nodes = {}
        for pk, path, depth, url_path, clearance, scope, locale_id in PortalPage.objects.filter(
            pk__in=parent_ids
        ).values_list("pk", "path", "depth", "url_path", "effective_clearance", "effective_scope", "locale_id"):
            node = TreeNode(pk, path, depth, url_path, clearance, scope_ids(scope), locale_id)
            children = PortalPage.objects.filter(path__startswith=path, depth=depth + 1).values_list("path", "slug")
            for child_path, slug in children:
                node.last_step = max(node.last_step, PortalPage._str2int(child_path[-PortalPage.steplen :]))
                node.slugs.add(slug)
            nodes[("page", pk)] = node
        return nodes

    def _batch_place(self, planned, nodes):
        """Path, depth, slug, url_path and effective marking of a planned page, under its parent's TreeNode."""
        item, page = planned.item, planned.page
        parent_uid = item.parent_uid
        if not parent_uid or parent_uid == self.export.root.uid:
            parent = nodes[("page", self.parent.pk)]
        elif ("uid", parent_uid) in nodes:
            parent = nodes[("uid", parent_uid)]
        else:
            parent = nodes[("page", self.records[parent_uid].page_id)]
        parent.last_step += 1
        parent.new_children += 1
        page.depth = parent.depth + 1
        page.path = PortalPage._get_path(parent.path, page.depth, parent.last_step)
        page.numchild = 0
        page.locale_id = parent.locale_id
        page.translation_key = uuid.uuid4()
        own_scope = {group.pk for group in planned.scope} or None
        clearance = max(parent.clearance, page.clearance)
        scope = narrow_scope(parent.scope, own_scope)
        page.effective_clearance = clearance
        page.effective_scope = scope_key(scope)
        base = slug_base(item)
        slug, n = base, 1
        while slug in parent.slugs:
            n += 1
            slug = f"{base}-{n}"
        if clearance >= Clearance.SECRET and not slug.startswith(NEUTRAL_SLUG_PREFIX):
            slug = neutral_slug(page)
        page.slug = slug
        parent.slugs.add(slug)
        page.url_path = f"{parent.url_path}{slug}/"
        if parent.pk is None:
            parent.page.numchild += 1
        if planned.kind == "folder":
            node = TreeNode(None, page.path, page.depth, page.url_path, clearance, scope, page.locale_id, page=page)
            nodes[("uid", item.uid)] = node


def _own_rows_insert(model, objs):
    """INSERT the rows of `model`'s own table (its local fields and the pointer to the base page) for saved bases.

    Django's bulk_create refuses models with multi-table inheritance; the base rows are already in, so only the
    specific table is written here, in batches the database accepts.
    """
    fields = list(model._meta.local_concrete_fields)
    size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    manager = model._base_manager
    for start in range(0, len(objs), size):
        manager._insert(objs[start : start + size], fields=fields, using=manager.db)


def _revisions_link(pages):
    """Point each page row at its revision: one statement run for many rows (bulk_update's CASE per row is slower)."""
    table = connection.ops.quote_name(PortalPage._meta.db_table)
    columns = [
        connection.ops.quote_name(PortalPage._meta.get_field(name).column)
        for name in ("latest_revision", "live_revision", "id")
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {columns[0]} = %s, {columns[1]} = %s WHERE {columns[2]} = %s",  # noqa: S608 - names from the model
            [(page.latest_revision_id, page.live_revision_id, page.pk) for page in pages],
        )
