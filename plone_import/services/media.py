"""Plone Files and Images → access-checked portal documents and images, bytes unchanged."""

import hashlib
import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from portal.models import SecureDocument, SecureImage
from portal.services.marking import item_scope_refresh

from ..export import ItemError, blob, parse_date
from ..models import ItemKind, PloneItem


class MediaMixin:
    def _media_common(self, obj, item, scope):
        obj.title = item.title[:255]
        obj.collection = self.collection
        obj.uploaded_by_user = self._owner(item)
        return scope

    def _document_import(self, item, record):
        data, filename, _content_type = blob(item, "file")
        document = record.document if record is not None and record.document_id else SecureDocument()
        scope = self._marking(document, item)
        self._media_common(document, item, scope)
        created = document.pk is None
        if created or document.file_hash != hashlib.sha1(data).hexdigest():  # noqa: S324 - Wagtail's hash
            document.file = ContentFile(data, name=filename)
            document._set_document_file_metadata()
        document.save()
        self._media_after_save(document, item, scope, created)
        self.written_documents.add(document.pk)
        record = record or PloneItem(uid=item.uid, kind=ItemKind.DOCUMENT)
        record.document = document
        return record

    def _image_import(self, item, record):
        data, filename, _content_type = blob(item, "image")
        image = record.image if record is not None and record.image_id else SecureImage()
        scope = self._marking(image, item)
        self._media_common(image, item, scope)
        self._image_file(image, data, filename)
        created = image.pk is None
        image.save()
        self._media_after_save(image, item, scope, created)
        image.get_rendition("original")
        self.written_images.add(image.pk)
        record = record or PloneItem(uid=item.uid, kind=ItemKind.IMAGE)
        record.image = image
        return record

    def _image_file(self, image, data, filename):
        if image.pk and image.file_hash == hashlib.sha1(data).hexdigest():  # noqa: S324 - Wagtail's hash
            return
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as opened:
                image.width, image.height = opened.size
        except (UnidentifiedImageError, OSError) as error:
            raise ItemError(_("the image data is not a readable image: %(error)s") % {"error": error}) from error
        image.file = ContentFile(data, name=filename)
        image._set_image_file_metadata()

    def _media_after_save(self, obj, item, scope, created):
        if created:
            # A new object has no scope or tags to replace; adding a scope refreshes its effective scope
            # (portal.signal_handlers), an empty one leaves it unrestricted as saved.
            if scope:
                obj.scope.add(*scope)
            if item.subjects:
                # New rows only (nothing to compare against): one insert instead of taggit's lookups per tag.
                through = obj.tags.through
                through.objects.bulk_create(
                    [through(tag=tag, **through.lookup_kwargs(obj)) for tag in dict.fromkeys(self._tags(item.subjects))]
                )
        else:
            obj.scope.set(scope)
            item_scope_refresh(obj)
            obj.tags.set(self._tags(item.subjects))
        created = parse_date(item.raw.get("created"), "created")
        if created:
            type(obj).objects.filter(pk=obj.pk).update(created_at=created)

    def _lead_image(self, item, record, scope):
        if not item.raw.get("image"):
            if record.lead_image_id:
                record.lead_image = None
            return None
        data, filename, _content_type = blob(item, "image")
        image = record.lead_image if record.lead_image_id else SecureImage()
        self._marking(image, item)
        image.title = (item.raw.get("image_caption") or item.title)[:255]
        image.collection = self.collection
        image.uploaded_by_user = self._owner(item)
        self._image_file(image, data, filename)
        created = image.pk is None
        image.save()
        self._media_after_save(image, item, scope, created)
        self.written_images.add(image.pk)
        record.lead_image = image
        return image
