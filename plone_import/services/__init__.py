"""Writes of the Plone import: principals, pages, documents, images, relations, default pages and redirects.

`PloneImport(...).execute()` runs the whole import, parents before children. New pages are written in batches
(bulk_pages), each batch one savepoint that is retried item by item if it fails; every other item is written in its
own transaction. An item that fails leaves nothing behind and its descendants are skipped, each with a message. A
re-run finds every item by its Plone UID and compares a snapshot of what was imported, so unchanged items cost no
write.
"""

import contextlib
import datetime
import hashlib
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.log_actions import log
from wagtail.models import Collection, Revision, Site
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

from policies.models import PolicyIndexPage
from policies.parsing import parse_regulations
from policies.services.importing import DATE_FIELDS as REGULATION_DATES
from policies.services.importing import METADATA_FIELDS as REGULATION_METADATA
from policies.services.importing import body_from_parsed as regulation_body
from portal.enums import Clearance
from portal.models import PortalPage, SecureDocument, SecureImage
from search.signal_handlers import search_indexing_deferred

from .. import readers as plone_readers_module
from ..export import ExportError, ItemError, Problem, blob, load_export, parse_date
from ..models import ImportRun, ItemKind, PloneItem
from ..readers import decide, principals_from
from ..richtext import convert, plain_text
from .after_tree import AfterTreeMixin
from .bulk_pages import BATCH_SIZE, BulkPagesMixin, slug_base
from .common import COLLECTION_NAME, PAGE_MODELS, ImportResult, admin_search_deferred, hash_of
from .media import MediaMixin
from .principals import PrincipalsMixin

logger = logging.getLogger(__name__)


class PloneImport(PrincipalsMixin, MediaMixin, BulkPagesMixin, AfterTreeMixin):
    """Import an export directory. `check()` reads and plans; `execute()` writes (unless dry_run)."""

    def __init__(self, *, directory, mapping, dry_run=False, progress=None, actor=None, bulk=True):
        self.directory = directory
        self.bulk = bulk  # new pages in batches (BulkPagesMixin); False: every item on its own
        self.mapping = mapping
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.actor = actor
        self.result = ImportResult()
        self.records = {}
        self.failed = set()
        self.groups = {}  # ("group", id) | ("personal", id) | ("portal", name) | NOBODY -> Group
        self.users = {}  # plone user id -> User
        self.pending_links = {}  # uid -> set of uids its text links to that were not imported yet
        self.written_pages, self.written_documents, self.written_images = set(), set(), set()
        self.tag_cache = {}  # name -> Tag
        self.created_pages = set()  # ids of the pages this run created
        self.workflows = {}  # parent page id -> the workflow its new children enter
        self.batch = []  # PlannedPage, waiting for _batch_flush
        self.batch_first_problem = 0  # where the problems reported while planning the batch begin

    # -- reading -------------------------------------------------------------------------------------------------

    def check(self):
        """Read the export and decide every item's marking. Raises ExportError if the export is unusable."""
        self.export = load_export(self.directory, self.mapping)
        self.principals = principals_from(self.export)
        self.readers = plone_readers_module.plone_readers(self.export, self.mapping, self.principals)
        self.decisions = {
            uid: decide(item, self.readers[uid], self.mapping, self.principals)
            for uid, item in self.export.items.items()
            if uid in self.readers
        }
        self.records = {record.uid: record for record in PloneItem.objects.all()}
        return self.export

    def live_state(self, item):
        state = item.review_state
        if not state or state in self.mapping.live_states:
            return "live"
        if state in self.mapping.pending_states:
            return "moderation"
        return "draft"

    # -- running -------------------------------------------------------------------------------------------------

    def execute(self):
        self.check()
        self.result.problems.extend(self.export.problems)
        for problem in self.export.problems:
            if problem.level == "error":
                self.failed.add(problem.where)
        if self.dry_run:
            self._plan()
            return self.result
        run = ImportRun.objects.create(source=str(self.directory))
        self.parent = self._parent_page()
        self.collection = self._collection()
        self._principals_import()
        items = [item for item in self.export.walk() if item is not self.export.root]
        self._root_record()
        total = len(items)
        # Each written object is indexed once at the end (reference index, Wagtail's admin search, the portal's
        # search), not on each of its saves.
        written = {
            PortalPage: self.written_pages,
            SecureDocument: self.written_documents,
            SecureImage: self.written_images,
        }
        with (
            disable_reference_index_auto_update(),
            admin_search_deferred(written),
            search_indexing_deferred() as search_index,
        ):
            for done, item in enumerate(items, 1):
                self._item_import(item)
                if len(self.batch) >= BATCH_SIZE:
                    self._batch_flush()
                self.progress(done, total)
            self._batch_flush()
            self._links_resolve()
            self._default_pages_set()
            # New pages are published without a second save (no page_published signal): the index learns of them here.
            search_index.pages |= self.written_pages
            search_index.documents |= self.written_documents
        self._references_rebuild()
        self._relations_set()
        self._page_permissions_set()
        self._redirects_set()
        from ..selectors import access_report

        self.result.report = access_report(export=self.export, mapping=self.mapping, readers=self.readers)
        run.finished_at = timezone.now()
        run.counts = self.result.counts
        run.problems = [str(p) for p in self.result.problems][:1000]
        run.widened = len(self.result.report.widened)
        run.save()
        self.result.run = run
        return self.result

    def _problem(self, level, where, message):
        self.result.problems.append(Problem(level, where, message))

    # -- dry run -------------------------------------------------------------------------------------------------

    def _plan(self):
        for item in self.export.walk():
            if item is self.export.root:
                continue
            kind = self._kind(item)
            where = item.path
            if kind is None:
                self._problem("error", where, _("unknown type %(type)r") % {"type": item.portal_type})
                self.result.count(item.portal_type, "error")
                continue
            if kind == "skip":
                self.result.count(item.portal_type, "skipped")
                continue
            try:
                snapshot = self._snapshot(item, kind)
                if kind == "regulation":
                    self._regulation_parsed(item)
            except ItemError as error:
                self._problem("error", where, str(error))
                self.result.count(kind, "error")
                continue
            record = self.records.get(item.uid)
            if record is None:
                action = "create"
            elif record.checksum == hash_of(snapshot):
                action = "unchanged"
            else:
                action = "update"
                changed = sorted(k for k in snapshot if snapshot.get(k) != record.snapshot.get(k))
                self.result.changes.append((where, action, changed))
            self.result.count(kind, action)
            self.result.decisions.append(
                (
                    where,
                    kind,
                    "served" if kind in ("file", "image") else self.live_state(item),
                    self.readers[item.uid].describe(),
                    self.decisions[item.uid],
                )
            )
        self.result.count("user", "in export", len(self.export.members))
        self.result.count("group", "in export", len(self.export.groups))

    # -- structure -----------------------------------------------------------------------------------------------

    def _parent_page(self):
        wanted = self.mapping.parent.strip()
        if wanted:
            pages = PortalPage.objects.all()
            page = (
                pages.filter(pk=int(wanted)).first()
                if wanted.isdigit()
                else pages.filter(url_path__endswith="/" + wanted.strip("/") + "/").first()
                if wanted.strip("/")
                else None
            )
            if page is None and wanted.strip("/") == "":
                site = Site.objects.filter(is_default_site=True).first()
                page = site.root_page if site else None
        else:
            site = Site.objects.filter(is_default_site=True).first()
            page = site.root_page if site else None
        if page is None:
            raise ExportError(_("No page to import under: set up a site or give the mapping's parent"))
        return page.specific

    def _collection(self):
        root = Collection.get_first_root_node()
        name = (self.export.site_title or COLLECTION_NAME)[:255]
        existing = root.get_children().filter(name=name).first()
        return existing or root.add_child(name=name)

    def _root_record(self):
        root = self.export.root
        if not root.uid:
            return
        record = self.records.get(root.uid)
        if record is None:
            self.records[root.uid] = PloneItem.objects.create(
                uid=root.uid,
                portal_type=root.portal_type,
                path="/",
                kind=ItemKind.ROOT,
                page=self.parent,
                checksum="",
            )

    def target_of(self, uid, want="link"):
        """("page"|"document"|"image", id) of an imported item, or None."""
        if uid == self.export.root.uid:
            return ("page", self.parent.pk)
        record = self.records.get(uid)
        if record is None:
            return None
        if want == "image":
            if record.image_id:
                return ("image", record.image_id)
            if record.lead_image_id:
                return ("image", record.lead_image_id)
            return None
        if record.page_id:
            return ("page", record.page_id)
        if record.document_id:
            return ("document", record.document_id)
        return None

    # -- one item ------------------------------------------------------------------------------------------------

    def _item_import(self, item, bulk=True):
        where = item.path
        kind = self._kind(item)
        parent = self.export.items.get(item.parent_uid) if item.parent_uid else self.export.root
        if where in self.failed:
            self.failed.add(item.uid)
            self.result.count(kind or item.portal_type, "error")
            return
        if item.parent_uid in self.failed:
            self.failed.add(item.uid)
            self._problem("error", where, _("skipped: its parent was not imported"))
            self.result.count(kind or item.portal_type, "skipped")
            return
        if kind is None:
            self.failed.add(item.uid)
            self._problem(
                "error",
                where,
                _("unknown type %(type)r: map it in the mapping file's types (or to skip)")
                % {"type": item.portal_type},
            )
            self.result.count(item.portal_type, "error")
            return
        if kind == "skip" or kind == "root":
            self.failed.add(item.uid)
            self.result.count(item.portal_type, "skipped")
            return
        parent_kind = "root" if parent is self.export.root else self.mapping.kind_of(parent)
        placement = self._placement_error(kind, parent_kind)
        if placement:
            self.failed.add(item.uid)
            self._problem("error", where, placement)
            self.result.count(kind, "error")
            return
        record = self.records.get(item.uid)
        try:
            snapshot = self._snapshot(item, kind)
            checksum = hash_of(snapshot)
            if record is not None and record.checksum == checksum and record.has_target:
                self.result.count(kind, "unchanged")
                return
            if kind in ("document", "news", "event", "file", "image"):
                self._tags(item.subjects)  # outside the item's transaction: a rollback cannot take a cached tag
            if bulk and self._batch_add(item, kind, record, snapshot, checksum):
                return
            if kind in PAGE_MODELS:
                self._batch_flush()  # a page placed one by one goes after the pages planned before it
            with transaction.atomic():
                if kind in PAGE_MODELS:
                    record = self._page_import(item, kind, record, snapshot)
                elif kind == "file":
                    record = self._document_import(item, record)
                else:
                    record = self._image_import(item, record)
                previous = record.snapshot if record.pk else {}
                record.checksum = checksum if item.uid not in self.pending_links else ""
                record.snapshot = snapshot
                record.path = item.path
                record.portal_type = item.portal_type
                record.review_state = item.review_state or ""
                record.created = parse_date(item.raw.get("created"), "created")
                record.modified = parse_date(item.raw.get("modified"), "modified")
                action = "updated" if record.pk else "created"
                record.save()
                self.records[item.uid] = record
        except ItemError as error:
            self._rolled_back()
            self.failed.add(item.uid)
            self._problem("error", where, str(error))
            self.result.count(kind, "error")
            return
        except Exception as error:
            logger.exception("Plone import of %s failed", where)
            self._rolled_back()
            self.failed.add(item.uid)
            self._problem("error", where, f"{type(error).__name__}: {error}")
            self.result.count(kind, "error")
            return
        self.result.count(kind, action)
        if action == "updated":
            changed = sorted(k for k in snapshot if snapshot.get(k) != previous.get(k))
            self.result.changes.append((where, action, changed))

    def _kind(self, item):
        """The item's kind by the mapping; a regulation only if Plone let every member read it (never wider)."""
        kind = self.mapping.kind_of(item)
        if kind == "regulation":
            decision = self.decisions.get(item.uid)
            if decision is None or decision.scope is not None or decision.clearance != Clearance.INTERNAL:
                self._problem(
                    "warning",
                    item.path,
                    _(
                        "mapped to a regulation, but not open to all staff: imported as a content page "
                        "(a regulation is 内部 and open to everyone)"
                    ),
                )
                return "document"
        return kind

    @staticmethod
    def _placement_error(kind, parent_kind):
        """Why a page of `kind` cannot go under a page of `parent_kind` (Wagtail's page type rules), or ""."""
        if kind not in PAGE_MODELS:
            return ""
        if parent_kind not in ("root", "folder"):
            return _("a page inside a non-folder item is not supported")
        return ""

    def _rolled_back(self):
        """Forget scope groups created inside an item's transaction that was rolled back."""
        from django.contrib.auth.models import Group

        alive = set(Group.objects.filter(pk__in=[g.pk for g in self.groups.values()]).values_list("pk", flat=True))
        self.groups = {key: group for key, group in self.groups.items() if group.pk in alive}

    def _snapshot(self, item, kind):
        """Everything the import takes from an item, as JSON: its hash decides whether a re-import writes."""
        raw = item.raw
        decision = self.decisions[item.uid]
        for key in ("created", "modified", "effective", "expires"):
            parse_date(raw.get(key), key)
        snapshot = {
            "type": item.portal_type,
            "kind": kind,
            "title": item.title,
            "id": item.slug,
            "parent": item.parent_uid,
            "order": item.order,
            "state": item.review_state,
            "live": self.live_state(item),
            "description": raw.get("description") or "",
            "subjects": item.subjects,
            "creators": item.creators,
            "rights": raw.get("rights") or "",
            "created": raw.get("created"),
            "modified": raw.get("modified"),
            "effective": raw.get("effective"),
            "expires": raw.get("expires"),
            "exclude_from_nav": bool(raw.get("exclude_from_nav")),
            "access": decision.as_json(),
            "history": [[e.get("action"), e.get("actor"), e.get("time")] for e in item.history()],
        }
        text = raw.get("text")
        if isinstance(text, dict):
            snapshot["text"] = hashlib.sha256((text.get("data") or "").encode()).hexdigest()
        elif text:
            snapshot["text"] = hashlib.sha256(str(text).encode()).hexdigest()
        if kind == "file":
            data, filename, content_type = blob(item, "file")
            snapshot["blob"] = [hashlib.sha256(data).hexdigest(), filename, content_type]
        elif kind == "image":
            data, filename, content_type = blob(item, "image")
            snapshot["blob"] = [hashlib.sha256(data).hexdigest(), filename, content_type]
        elif kind == "news" and raw.get("image"):
            data, filename, content_type = blob(item, "image")
            snapshot["blob"] = [hashlib.sha256(data).hexdigest(), filename, content_type]
            snapshot["image_caption"] = raw.get("image_caption") or ""
        elif kind == "event":
            for key in ("start", "end"):
                parse_date(raw.get(key), key)
            snapshot["event"] = {
                key: raw.get(key)
                for key in (
                    "start",
                    "end",
                    "whole_day",
                    "open_end",
                    "location",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "attendees",
                    "event_url",
                )
            }
        elif kind == "link":
            snapshot["remoteUrl"] = raw.get("remoteUrl") or ""
        elif item.portal_type == "Collection":
            snapshot["query"] = raw.get("query")
        return snapshot

    def _actor(self, item):
        """The portal user who last acted on the item in Plone (or its first creator), if imported."""
        for entry in reversed(item.history()):
            user = self.users.get(entry.get("actor"))
            if user is not None:
                return user
        return self._owner(item)

    def _owner(self, item):
        for creator in item.creators:
            if creator in self.users:
                return self.users[creator]
        return None

    def _marking(self, obj, item):
        decision = self.decisions[item.uid]
        obj.clearance = decision.clearance
        if decision.clearance >= Clearance.SECRET:
            obj.secrecy_term = decision.secrecy_term
            obj.classification_basis = decision.classification_basis
        return self._scope_groups(decision)

    def _slug(self, item, parent_page, page):
        base = slug_base(item)
        if page is not None and page.slug.startswith("m-"):
            return page.slug  # a neutral slug chosen by the marking service stays
        siblings = PortalPage.objects.child_of(parent_page)
        if page is not None and page.pk:
            siblings = siblings.exclude(pk=page.pk)
        slug, n = base, 1
        taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _body(self, item):
        text = item.raw.get("text")
        html = text.get("data") if isinstance(text, dict) else text
        if not html:
            return []
        converted = convert(html, export=self.export, item_path=item.path, resolve=self.target_of)
        for warning in converted.warnings:
            self._problem("warning", item.path, warning)
        if converted.pending:
            self.pending_links[item.uid] = converted.pending
        else:
            self.pending_links.pop(item.uid, None)
        return [
            (block_type, RichText(value) if block_type == "paragraph" else value)
            for block_type, value in converted.blocks
        ]

    def _page_import(self, item, kind, record, snapshot):
        model = PAGE_MODELS[kind]
        if kind == "regulation":
            parent_page = self._policy_index()
        else:
            parent_record = self.records.get(item.parent_uid)
            parent_page = (parent_record.page if parent_record else self.parent).specific
        page = record.page.specific if record is not None and record.page_id else None
        if page is not None and not isinstance(page, model):
            raise ItemError(
                _("the portal page is a %(have)s, not a %(want)s")
                % {"have": type(page).__name__, "want": model.__name__}
            )
        if page is not None and page.get_parent().pk != parent_page.pk:
            page.move(parent_page, pos="last-child")
            page = PortalPage.objects.get(pk=page.pk).specific
        creating = page is None
        if creating:
            page = model(locale_id=parent_page.locale_id)
        page.slug = self._slug(item, parent_page, None if creating else page)
        now = timezone.now()
        scope, effective, expires = self._page_fields(page, item, kind, now)

        state = self.live_state(item)
        expired = bool(expires and expires <= now)
        record = record or PloneItem(uid=item.uid, kind=ItemKind.PAGE)
        if kind == "news":
            page.image = self._lead_image(item, record, scope)
        actor = self._actor(item)
        # A new page that goes live now is created published, with its one revision: the same rows Wagtail's
        # publish writes, without saving the page three times. Regulations and scheduled pages publish normally
        # (their page_published receivers and go-live scheduling matter).
        direct = creating and state == "live" and not expired and page.go_live_at is None and kind != "regulation"
        if creating:
            if direct:
                self._published_fields(page, item, effective, now)
            else:
                page.live = False
            parent_page.add_child(instance=page)
            record.page = page
            self.created_pages.add(page.pk)
        if direct:
            revision = self._revision_create(page, item, actor)
        elif state == "live" and not expired:
            revision = page.save_revision(user=actor, log_action=False)
            revision.publish(user=actor, log_action=False, skip_permission_checks=True)
            self._page_dates(page, item, revision, effective)
        else:
            if page.live:
                page.unpublish(set_expired=expired, log_action=False)
            if not creating or expired:
                # A draft's row is what guards its previews: it takes the new values and marking now.
                page.expired = expired
                page.save()
            revision = page.save_revision(user=actor, log_action=False)
            if state == "moderation":
                self._moderation_start(page, item, actor, created=creating)
            self._page_dates(page, item, revision, effective)
        self.written_pages.add(page.pk)
        log(
            instance=page,
            action="plone_import.import",
            user=self.actor,
            data={"uid": item.uid, "path": item.path, "created": creating},
        )
        return record

    def _page_fields(self, page, item, kind, now):
        """Set what the item gives the page, except its place in the tree. Returns (scope, effective, expires)."""
        raw = item.raw
        page.title = item.title[:255]
        page.draft_title = page.title
        description = (raw.get("description") or "").strip()
        page.search_description = description
        page.show_in_menus = not raw.get("exclude_from_nav") and kind == "folder"
        page.owner = self._owner(item)
        effective = parse_date(raw.get("effective"), "effective")
        expires = parse_date(raw.get("expires"), "expires")
        page.go_live_at = effective if effective and effective > now else None
        page.expire_at = expires
        scope = self._marking(page, item)
        page.scope = scope
        if kind == "regulation":
            self._regulation_fields(page, item)
        elif kind == "folder":
            if item.portal_type == "Collection":
                self._problem(
                    "warning", item.path, _("collection imported as an index page; its query is not converted")
                )
        else:
            page.description = description
        if kind in ("document", "news", "event"):
            page.body = self._body(item)
            page.creators = ", ".join(item.creators)[:255]
            page.rights = (raw.get("rights") or "")[:255]
            tags = list(dict.fromkeys(self._tags(item.subjects)))
            if page.pk is None:
                # A new page's tags are tagged items held in memory: what tags.set() builds, without its lookups.
                page.tagged_items = [page.tags.through(tag=tag) for tag in tags]
            else:
                page.tags.set(tags)
        if kind == "news":
            page.date = effective or parse_date(raw.get("created"), "created")
            page.image_caption = (raw.get("image_caption") or "")[:255]
        if kind == "event":
            page.start = parse_date(raw.get("start"), "start")
            page.end = parse_date(raw.get("end"), "end")
            page.whole_day = bool(raw.get("whole_day"))
            page.open_end = bool(raw.get("open_end"))
            page.location = (raw.get("location") or "")[:255]
            page.contact_name = (raw.get("contact_name") or "")[:255]
            page.contact_email = (raw.get("contact_email") or "")[:254]
            page.contact_phone = (raw.get("contact_phone") or "")[:64]
            page.attendees = "\n".join(str(a) for a in raw.get("attendees") or [])
            page.event_url = raw.get("event_url") or ""
        if kind == "link":
            self._link_target(page, item)
        return scope, effective, expires

    def _tags(self, names):
        """Tag rows by name, looked up once per run (created outside any item's transaction, see _item_import)."""
        missing = [name for name in names if name not in self.tag_cache]
        if missing:
            for tag in Tag.objects.filter(name__in=missing):
                self.tag_cache[tag.name] = tag
            for name in missing:
                if name not in self.tag_cache:
                    self.tag_cache[name] = Tag.objects.create(name=name)
        return [self.tag_cache[name] for name in names]

    def _regulation_parsed(self, item):
        """The Document's text parsed into 章/条 by policies.parsing; ItemError if it holds no 条."""
        text = item.raw.get("text")
        html = text.get("data") if isinstance(text, dict) else text
        result = parse_regulations(plain_text(html), title=item.title)
        regulations = [r for r in result.regulations if r.articles()]
        if not regulations:
            raise ItemError(_("mapped to a regulation, but its text holds no articles (第X条) to structure"))
        if len(regulations) > 1:
            self._problem(
                "warning",
                item.path,
                _("its text holds %(n)s regulations; only the first is imported") % {"n": len(regulations)},
            )
        return regulations[0]

    def _regulation_fields(self, page, item):
        """A regulation's structured fields, as policies' own import sets them (metadata lines, 章/条 body)."""
        parsed = self._regulation_parsed(item)
        for key, name in REGULATION_METADATA.items():
            if parsed.metadata.get(key):
                setattr(page, name, parsed.metadata[key].strip()[:100])
        for key, name in REGULATION_DATES.items():
            with contextlib.suppress(ValueError):
                setattr(page, name, datetime.date.fromisoformat((parsed.metadata.get(key) or "").strip()))
        page.preamble = parsed.preamble
        page.body = regulation_body(parsed)
        if page._state.adding:
            # Acknowledgement rounds are the secrecy office's decision, not the import's.
            page.ack_required = False

    def _policy_index(self):
        """The portal's 保密制度 index (there is one); created under the import parent if the portal has none."""
        index = PolicyIndexPage.objects.first()
        if index is None:
            index = PolicyIndexPage(title=_("Regulations"), slug="zhidu", locale_id=self.parent.locale_id)
            self.parent.add_child(instance=index)
            index.save_revision(log_action=False).publish(log_action=False, skip_permission_checks=True)
            self.written_pages.add(index.pk)
        return index

    def _published_fields(self, page, item, effective, now):
        created = parse_date(item.raw.get("created"), "created")
        modified = parse_date(item.raw.get("modified"), "modified") or created
        published = effective or self._published_at(item) or created or now
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = published
        page.last_published_at = max(published, modified) if modified else published
        page.latest_revision_created_at = modified or now

    def _revision_create(self, page, item, actor):
        """The live revision of a page created published (what save_revision + publish leave behind)."""
        revision = Revision.objects.create(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            user=actor,
            content=page.serializable_data(),
            object_str=str(page),
            created_at=page.latest_revision_created_at,
        )
        page.latest_revision = page.live_revision = revision
        page.draft_title = page.title
        PortalPage.objects.filter(pk=page.pk).update(
            latest_revision=revision, live_revision=revision, draft_title=page.title
        )
        return revision

    def _page_dates(self, page, item, revision, effective):
        created = parse_date(item.raw.get("created"), "created")
        modified = parse_date(item.raw.get("modified"), "modified") or created
        fields = {}
        page.refresh_from_db(fields=["live", "first_published_at", "last_published_at"])
        if page.live:
            published = effective or self._published_at(item) or created
            if published:
                fields["first_published_at"] = published
                fields["last_published_at"] = max(published, modified) if modified else published
        if modified:
            fields["latest_revision_created_at"] = modified
            Revision.objects.filter(pk=revision.pk).update(created_at=modified)
        if fields:
            PortalPage.objects.filter(pk=page.pk).update(**fields)

    def _published_at(self, item):
        for entry in reversed(item.history()):
            if entry.get("review_state") in self.mapping.live_states:
                try:
                    return parse_date(entry.get("time"), "workflow_history")
                except ItemError:
                    return None
        return None

    def _moderation_start(self, page, item, actor, created=False):
        if created:
            # The workflow comes from the page's ancestors: the same for every new child of one parent.
            parent_path = page.path[: -page.steplen]
            if parent_path not in self.workflows:
                self.workflows[parent_path] = page.get_workflow()
            workflow = self.workflows[parent_path]
        else:
            workflow = page.get_workflow()
        if workflow is None:
            self._problem("warning", item.path, _("pending in Plone, but no workflow applies here: kept as a draft"))
            return
        state = None if created else page.current_workflow_state  # a new page is in no workflow yet
        if state is None or state.status != state.STATUS_IN_PROGRESS:
            workflow.start(page, actor)

    def _link_target(self, page, item):
        url = (item.raw.get("remoteUrl") or "").replace("${portal_url}", self.export.root_url)
        page.link_page = page.link_document = None
        page.link_url = ""
        target = self.export.resolve_url(url)
        if target is not None:
            found = self.target_of(target.uid)
            if found is None:
                self.pending_links.setdefault(item.uid, set()).add(target.uid)
            elif found[0] == "page":
                page.link_page_id = found[1]
            elif found[0] == "document":
                page.link_document_id = found[1]
            return
        if url.startswith(("http://", "https://", "mailto:")) and not url.startswith(self.export.root_url):
            page.link_url = url[:200]
        elif url:
            self._problem("warning", item.path, _("link target %(url)s is not in the export") % {"url": url})


def plone_import(*, directory, mapping, dry_run=False, progress=None, actor=None):
    """Run an import (see PloneImport)."""
    return PloneImport(directory=directory, mapping=mapping, dry_run=dry_run, progress=progress, actor=actor).execute()
