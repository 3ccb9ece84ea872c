"""Wagtail's dashboard panels and page count, narrowed to what the viewer may read.

Wagtail fills them from the workflow, lock and edit records without a clearance filter: a moderator or superuser
would see the title of a page above their clearance awaiting review, and the page count includes every page.
"""

from django.db.models import Q
from wagtail.admin.navigation import get_site_for_user
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)

from portal import access
from portal.models import PortalPage


def readable(request, obj):
    """Marked items by the access rule; an unmarked one (a snippet without a marking) is not classified."""
    return not hasattr(obj, "effective_clearance") or access.can_view(request.user, obj, request)


class ReadableWorkflowObjectsToModeratePanel(WorkflowObjectsToModeratePanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["states"] = [state for state in context["states"] if readable(context["request"], state["obj"])]
        return context


class ReadableUserObjectsInWorkflowModerationPanel(UserObjectsInWorkflowModerationPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        request = context["request"]
        context["workflow_states"] = [s for s in context["workflow_states"] if readable(request, s.content_object)]
        return context


class ReadableLockedPagesPanel(LockedPagesPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["locked_pages"] = access.visible(context["locked_pages"], context["request"].user, context["request"])
        return context


class ReadableRecentEditsPanel(RecentEditsPanel):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        request = context["request"]
        context["last_edits"] = [(when, page) for when, page in context["last_edits"] if readable(request, page)]
        return context


PANEL_REPLACEMENTS = {
    WorkflowObjectsToModeratePanel: ReadableWorkflowObjectsToModeratePanel,
    UserObjectsInWorkflowModerationPanel: ReadableUserObjectsInWorkflowModerationPanel,
    LockedPagesPanel: ReadableLockedPagesPanel,
    RecentEditsPanel: ReadableRecentEditsPanel,
}


def panels_narrow(panels):
    panels[:] = [PANEL_REPLACEMENTS[type(panel)]() if type(panel) in PANEL_REPLACEMENTS else panel for panel in panels]


class ReadablePagesSummaryItem(PagesSummaryItem):
    """The dashboard's page count counts only pages the viewer may read."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        root = get_site_for_user(self.request.user)["root_page"]  # what Wagtail counted under
        if root is not None:
            pages = PortalPage.objects.descendant_of(root, inclusive=True).filter(~Q(depth=1))
            context["total_pages"] = access.visible(pages, self.request.user, self.request).count()
        return context


def summary_items_narrow(request, items):
    items[:] = [ReadablePagesSummaryItem(request) if type(item) is PagesSummaryItem else item for item in items]
