"""Hooks of the reviews app: the 待我审批 boxes (portal home, Wagtail dashboard), the chain admin, the register
menu entry, audit actions, the 保密档案 section and the demo loader."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet

from portal.hooks import DEMO_LOADERS, DOSSIER_SECTIONS, HOME_PANELS, DossierSection

from . import selectors
from .models import ReviewChain


@hooks.register(HOME_PANELS, order=30)
def reviews_home_panel(request):
    queue = selectors.queue_for(user=request.user, request=request)
    if not queue:
        return ""
    return render_to_string("reviews/includes/home_panel.html", {"count": len(queue)}, request=request)


class ReviewQueuePanel(Component):
    name = "reviews_queue"
    order = 90

    def __init__(self, count):
        self.count = count

    def render_html(self, parent_context=None):
        return render_to_string("reviews/includes/admin_panel.html", {"count": self.count})


@hooks.register("construct_homepage_panels")
def reviews_dashboard_panel(request, panels):
    queue = selectors.queue_for(user=request.user, request=request)
    if queue:
        panels.append(ReviewQueuePanel(len(queue)))


class ReviewChainViewSet(ModelViewSet):
    """Which workflow each kind of request goes through; the steps themselves are edited under Workflows."""

    model = ReviewChain
    icon = "tasks"
    menu_label = _("Review chains")
    add_to_settings_menu = True
    form_fields = ["kind", "workflow"]
    list_display = ["kind", "workflow"]
    inspect_view_enabled = False


@hooks.register("register_admin_viewset")
def register_review_chain_viewset():
    return ReviewChainViewSet("review_chains")


class RegisterMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.is_office(request.user)


@hooks.register("register_admin_menu_item")
def register_reviews_register_menu_item():
    return RegisterMenuItem(_("Review register"), reverse("reviews:register"), icon_name="list-ul", order=170)


@hooks.register("register_log_actions")
def register_reviews_log_actions(actions):
    for action, label, message in [
        ("reviews.create", _("Create review request"), _("Review request created")),
        ("reviews.edit", _("Edit review request"), _("Review request edited")),
        ("reviews.attach", _("Attach file"), _("File attached to review request")),
        ("reviews.submit", _("Submit review request"), _("Review request submitted")),
        ("reviews.resubmit", _("Resubmit review request"), _("Review request resubmitted after changes")),
        ("reviews.approve", _("Approve review step"), _("Review step approved")),
        ("reviews.request_changes", _("Request changes"), _("Changes requested on review request")),
        ("reviews.reject", _("Reject review request"), _("Review request rejected")),
        ("reviews.comment", _("Comment on review request"), _("Comment added to review request")),
        ("reviews.signature_failed", _("Failed signature"), _("Authenticator code refused for a review decision")),
        ("reviews.marking", _("Set classification"), _("Review request classification set")),
        ("reviews.pdf", _("Print approval form"), _("Approval form printed")),
        ("reviews.remind", _("Overdue reminder"), _("Overdue review step reminded")),
        ("reviews.escalate", _("Overdue escalation"), _("Overdue review step escalated")),
        ("reviews.register_export", _("Export review register"), _("Review register exported")),
    ]:
        actions.register_action(action, label, message)


@hooks.register(DOSSIER_SECTIONS)
def reviews_dossier_section(*, person, viewer, request=None):
    from .dossier import dossier_section

    return dossier_section(person=person, viewer=viewer, request=request, section_class=DossierSection)


@hooks.register(DEMO_LOADERS)
def reviews_demo(**kwargs):
    from .demo import load_reviews_demo

    load_reviews_demo(**kwargs)
