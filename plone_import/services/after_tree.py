"""After the tree: forward links, reference index, default pages, related items and redirects."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import GroupPagePermission, ReferenceIndex, Revision

from home.models import PageRelation, SectionIndexPage
from portal.models import PortalPage, SecureDocument, SecureImage

from ..models import PlonePrincipal, PrincipalKind
from ..readers import Decision
from .common import hash_of, tags_preload


class AfterTreeMixin:
    def _links_resolve(self):
        """Items whose text linked to items imported after them: convert their text again, now complete."""
        for uid in list(self.pending_links):
            item = self.export.items[uid]
            record = self.records.get(uid)
            if record is None or uid in self.failed:
                continue
            kind = record.snapshot.get("kind")
            try:
                with transaction.atomic():
                    page = record.page.specific
                    if kind == "link":
                        self._link_target(page, item)
                    else:
                        page.body = self._body(item)
                    revision = page.save_revision(user=self._actor(item), log_action=False)
                    if page.live:
                        revision.publish(log_action=False, skip_permission_checks=True)
                    else:
                        page.save()
                    unresolved = sorted(u for u in self.pending_links.get(uid, set()) if self.target_of(u) is None)
                    self.pending_links.pop(uid, None)
                    # Complete: later runs may skip it. Incomplete: the next run converts it again.
                    record.checksum = "" if unresolved else hash_of(record.snapshot)
                    record.save(update_fields=["checksum"])
                    for target_uid in unresolved:
                        target = self.export.items.get(target_uid)
                        self._problem(
                            "warning",
                            item.path,
                            _("link to %(target)s dropped: that item was not imported")
                            % {"target": target.path if target else target_uid},
                        )
            except Exception as error:  # noqa: BLE001 - reported per item
                self._problem("error", item.path, f"{type(error).__name__}: {error}")

    @transaction.atomic
    def _references_rebuild(self, batch_size=500):
        """Wagtail's reference index for every written object: new objects in bulk, the others compared row by row."""
        for model, ids in ((PortalPage, self.written_pages), (SecureDocument, self.written_documents)):
            ids = sorted(ids)
            base_type = ContentType.objects.get_for_model(model)
            for start in range(0, len(ids), batch_size):
                chunk = ids[start : start + batch_size]
                objects = model.objects.filter(pk__in=chunk)
                objects = list(objects.specific() if model is PortalPage else objects)
                by_class = {}
                for obj in objects:
                    by_class.setdefault(type(obj), []).append(obj)
                for cls, batch in by_class.items():
                    tags_preload(cls, batch)  # the tags are child relations the index reads
                indexed = set(
                    ReferenceIndex.objects.filter(
                        base_content_type=base_type, object_id__in=[str(pk) for pk in chunk]
                    ).values_list("object_id", flat=True)
                )
                rows = []
                for obj in objects:
                    if str(obj.pk) in indexed:
                        ReferenceIndex.create_or_update_for_object(obj)
                        continue
                    # Nothing indexed yet: the rows create_or_update_for_object would add, written for the whole chunk.
                    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
                    rows += [
                        ReferenceIndex(
                            content_type=content_type,
                            base_content_type=base_type,
                            object_id=obj.pk,
                            to_content_type_id=to_content_type_id,
                            to_object_id=to_object_id,
                            model_path=model_path,
                            content_path=content_path,
                            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                        )
                        for to_content_type_id, to_object_id, model_path, content_path in set(
                            ReferenceIndex._extract_references_from_object(obj)
                        )
                    ]
                ReferenceIndex.objects.bulk_create(rows, batch_size=batch_size)

    def _default_pages_set(self):
        for folder_uid, page_uid in self.export.default_pages.items():
            folder_record, page_record = self.records.get(folder_uid), self.records.get(page_uid)
            if not folder_record or not page_record or not folder_record.page_id or not page_record.page_id:
                continue
            folder = folder_record.page.specific
            if not isinstance(folder, SectionIndexPage) or folder.default_page_id == page_record.page_id:
                continue
            if folder.pk in self.created_pages and folder.latest_revision_id:
                # Created by this run with its one revision: that revision takes the default page, as if the page
                # had been created with it (the child did not exist yet), instead of a second revision and publish.
                revision = folder.latest_revision
                revision.content["default_page"] = page_record.page_id
                with transaction.atomic():
                    SectionIndexPage.objects.filter(pk=folder.pk).update(default_page_id=page_record.page_id)
                    Revision.objects.filter(pk=revision.pk).update(content=revision.content)
                self.result.count("default page", "set")
                continue
            with transaction.atomic():
                folder.default_page_id = page_record.page_id
                revision = folder.save_revision(log_action=False)
                if folder.live:
                    revision.publish(log_action=False, skip_permission_checks=True)
                else:
                    folder.save()
            self.result.count("default page", "set")

    def _relations_set(self):
        wanted = {}
        for relation in self.export.relations:
            if relation.get("relationship") not in (None, "relatedItems"):
                continue
            source = self.records.get(relation.get("from_uuid"))
            target = self.target_of(relation.get("to_uuid"))
            if source is None or not source.page_id or target is None or target[0] == "image":
                if relation.get("from_uuid") in self.export.items:
                    self._problem(
                        "warning",
                        self.export.items[relation["from_uuid"]].path,
                        _("related item %(uid)s not imported") % {"uid": relation.get("to_uuid")},
                    )
                continue
            wanted.setdefault(source.page_id, []).append(target)
        existing = {}
        for rel in PageRelation.objects.filter(page_id__in=list(wanted)).order_by("sort_order"):
            key = ("page", rel.target_page_id) if rel.target_page_id else ("document", rel.target_document_id)
            existing.setdefault(rel.page_id, []).append(key)
        for page_id, targets in wanted.items():
            if existing.get(page_id) == targets:
                continue
            with transaction.atomic():
                PageRelation.objects.filter(page_id=page_id).delete()
                PageRelation.objects.bulk_create(
                    [
                        PageRelation(
                            page_id=page_id,
                            sort_order=n,
                            target_page_id=t[1] if t[0] == "page" else None,
                            target_document_id=t[1] if t[0] == "document" else None,
                        )
                        for n, t in enumerate(targets)
                    ]
                )
            self.result.count("relation", "set", len(targets))

    def _redirects_set(self):
        """Old Plone paths (and the redirects Plone recorded) keep answering, through Wagtail redirects."""
        site = self.parent.get_site()
        base = self.parent.url_path
        records = list(self.records.values())
        # What the redirects point at, read once for all records rather than one query per record.
        self.url_paths = dict(
            PortalPage.objects.filter(pk__in=[r.page_id for r in records if r.page_id]).values_list("pk", "url_path")
        )
        documents = SecureDocument.objects.in_bulk([r.document_id for r in records if r.document_id])
        self.document_urls = {pk: document.url for pk, document in documents.items()}
        images = SecureImage.objects.prefetch_renditions("original").in_bulk(
            [r.image_id for r in records if r.image_id]
        )
        self.image_urls = {pk: image.get_rendition("original").url for pk, image in images.items()}
        wanted = {}
        for uid, record in self.records.items():
            item = self.export.items.get(uid)
            if item is None or uid in self.failed or not item.path:
                continue
            self._redirect_targets(wanted, item.path, record, base)
        for old, new in self.export.redirects.items():
            old_path = self._public_path(old)
            target = self.export.resolve_url(new)
            record = self.records.get(target.uid) if target else None
            if record is None:
                if target is not None or new:
                    self._problem("warning", old, _("redirect target %(new)s not imported") % {"new": new})
                continue
            self._redirect_targets(wanted, old_path, record, None, force=True)
        normalised = {Redirect.normalise_path(path): target for path, target in wanted.items()}
        existing = {}
        paths = list(normalised)
        for start in range(0, len(paths), 500):
            for redirect in Redirect.objects.filter(site=site, old_path__in=paths[start : start + 500]):
                existing[redirect.old_path] = redirect
        new_redirects = []
        for old_path, (page_id, link) in normalised.items():
            redirect = existing.get(old_path)
            if (
                redirect is not None
                and redirect.redirect_page_id == page_id
                and (redirect.redirect_link or "") == (link or "")
            ):
                continue
            if redirect is None:
                new_redirects.append(
                    Redirect(
                        old_path=old_path,
                        site=site,
                        redirect_page_id=page_id,
                        redirect_link=link or "",
                        is_permanent=True,
                    )
                )
                continue
            redirect.redirect_page_id = page_id
            redirect.redirect_link = link or ""
            redirect.is_permanent = True
            redirect.save()
            self.result.count("redirect", "set")
        Redirect.objects.bulk_create(new_redirects, batch_size=500)
        if new_redirects:
            self.result.count("redirect", "set", len(new_redirects))

    def _public_path(self, zope_path):
        if self.export.zope_path and zope_path.startswith(self.export.zope_path):
            zope_path = zope_path[len(self.export.zope_path) :]
        return zope_path or "/"

    def _redirect_targets(self, wanted, old_path, record, base, force=False):
        if record.page_id:
            if not force:
                url_path = self.url_paths.get(record.page_id)
                new_path = url_path[len(base) - 1 :] if base and url_path else None
                if new_path and new_path.rstrip("/") == old_path.rstrip("/"):
                    return
            wanted[old_path] = (record.page_id, None)
        elif record.document_id and record.document_id in self.document_urls:
            url = self.document_urls[record.document_id]
            for suffix in ("", "/view", "/@@download/file", "/@@display-file/file"):
                wanted[old_path + suffix] = (None, url)
        elif record.image_id and record.image_id in self.image_urls:
            url = self.image_urls[record.image_id]
            for suffix in ("", "/view", "/image_view_fullscreen", "/@@images/image", "/@@download/image"):
                wanted[old_path + suffix] = (None, url)

    def _page_permissions_set(self):
        """Local Editor/Contributor/Reviewer roles become Wagtail page permissions of the mapped groups."""
        wanted = set()
        for uid, entry in self.export.localroles.items():
            record = self.records.get(uid)
            if record is None or not record.page_id or uid in self.failed or record.kind == "root":
                continue
            for principal, roles in entry["roles"].items():
                types = {t for role in roles or [] for t in self.mapping.local_roles.get(role, [])}
                if not types:
                    continue
                if principal in self.principals.groups:
                    key = ("group", principal)
                elif principal in self.users:
                    key = ("personal", principal)
                else:
                    continue
                if key not in self.groups and key[0] == "personal":
                    self._scope_groups(Decision(clearance=0, scope=frozenset({key})))  # creates the personal group
                group = self.groups.get(key)
                if group is None:
                    continue
                wanted |= {(record.page_id, group.pk, t) for t in types}
        managed_groups = set(
            PlonePrincipal.objects.filter(kind__in=[PrincipalKind.GROUP, PrincipalKind.PERSONAL]).values_list(
                "group_id", flat=True
            )
        )
        page_ids = {r.page_id for r in self.records.values() if r.page_id and r.kind != "root"}
        existing = {
            (p.page_id, p.group_id, p.permission.codename.split("_", 1)[0]): p.pk
            for p in GroupPagePermission.objects.filter(
                page_id__in=page_ids, group_id__in=managed_groups
            ).select_related("permission")
        }
        missing = wanted - set(existing)
        extra = [pk for key, pk in existing.items() if key not in wanted]
        if not missing and not extra:
            return
        access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        with transaction.atomic():
            GroupPagePermission.objects.filter(pk__in=extra).delete()
            for page_id, group_id, permission_type in sorted(missing):
                GroupPagePermission.objects.create(group_id=group_id, page_id=page_id, permission_type=permission_type)
                access_admin.group_set.add(group_id)
        self.result.count("page permission", "set", len(missing))
        if extra:
            self.result.count("page permission", "removed", len(extra))
