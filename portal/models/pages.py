"""The portal's base page (WAGTAIL_PAGE_MODEL): every page type carries the security marking.

This module imports no other project app. Its migrations follow Wagtail's three-step base-page pattern and must
never be regenerated or squashed.
"""

from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import AbstractPage
from wagtail.models.pages import AbstractPageMeta, DefaultBasePageMixin

from portal.admin_forms import PortalPageForm

from .marking import MARKING_FILTER_FIELDS, MarkingMixin

MARKING_INPUTS = {"clearance", "scope", "path", "alias_of", "slug"}


class PortalPage(MarkingMixin, AbstractPage, DefaultBasePageMixin):
    scope = ParentalManyToManyField(
        Group,
        verbose_name=_("need-to-know scope"),
        blank=True,
        related_name="+",
        help_text=_("Departments or groups allowed to read. Empty = everyone with the clearance."),
    )

    base_form_class = PortalPageForm

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # wagtail.admin's ready() sets the swapped Page model's base_form_class to WagtailAdminPageForm; each page
        # type keeps the form it inherits now (PortalPageForm, or its parent type's subclass of it).
        cls.base_form_class = cls.base_form_class

    search_fields = [
        *AbstractPage.search_fields,
        *DefaultBasePageMixin.search_fields,
        *MARKING_FILTER_FIELDS,
    ]

    secrecy_panels = [
        MultiFieldPanel(
            [
                FieldPanel("clearance"),
                FieldPanel("secrecy_term"),
                FieldPanel("secrecy_until"),
                FieldPanel("classification_basis"),
                FieldPanel("classifier"),
                FieldPanel("scope"),
            ],
            heading=_("Secrecy"),
        )
    ]
    promote_panels = DefaultBasePageMixin.promote_panels
    settings_panels = [*AbstractPage.settings_panels, *secrecy_panels]

    class Meta(AbstractPageMeta):
        pass

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_marking = (
            instance.__dict__.get("effective_clearance"),
            instance.__dict__.get("effective_scope"),
        )
        return instance

    def clean(self):
        super().clean()
        self.clean_marking()

    def permissions_for_user(self, user):
        # Every admin action on a page asks this tester: nothing on a page the user may not read, and apps may
        # narrow the rest (portal.hooks.PAGE_PERMISSION_TESTERS).
        from portal.access import may_act_on
        from portal.hooks import page_permission_tester
        from portal.permission_policies import UnreadablePagePermissionTester

        if not may_act_on(user, self):
            return UnreadablePagePermissionTester(user, self)
        return page_permission_tester(user=user, page=self)

    def save(self, *args, **kwargs):
        # The denormalised marking must hold on every write path (admin, actions, imports), so it is computed here.
        from portal.services.marking import page_marking_apply, page_marking_refresh_after_save

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not MARKING_INPUTS.intersection(update_fields):
            # Draft revisions save only bookkeeping fields; an unpublished marking must not reach the subtree.
            return super().save(*args, **kwargs)
        changed = page_marking_apply(self)
        super().save(*args, **kwargs)
        page_marking_refresh_after_save(self, changed=changed)
        self._stored_marking = (self.effective_clearance, self.effective_scope)
