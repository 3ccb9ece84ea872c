"""Admin integration: the 签收 dashboard under 保密办, and the audit actions of the policies app."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from policies import admin_views


@hooks.register("register_admin_urls")
def register_policies_admin_urls():
    return [
        path("policies/acknowledgements/", admin_views.ack_dashboard, name="policies_ack_dashboard"),
        path("policies/acknowledgements/<int:version_id>/", admin_views.ack_people, name="policies_ack_people"),
        path(
            "policies/acknowledgements/person/<int:user_id>/evidence.pdf",
            admin_views.person_evidence_pdf,
            name="policies_person_evidence",
        ),
    ]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.DASHBOARD_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_ack_dashboard_menu_item():
    return DashboardMenuItem(_("Acknowledgements"), reverse("policies_ack_dashboard"), icon_name="tasks", order=160)


@hooks.register("register_log_actions")
def register_policies_log_actions(actions):
    actions.register_action(
        "policies.version_published", _("Publish regulation version"), _("Regulation version published")
    )
    actions.register_action("policies.ack_waived", _("Waive re-acknowledgement"), _("Re-acknowledgement waived"))
    actions.register_action("policies.acknowledge", _("Acknowledge regulation"), _("Regulation acknowledged"))
    actions.register_action("policies.ack_export", _("Export acknowledgements"), _("Acknowledgements exported"))
    actions.register_action("policies.evidence_export", _("Export evidence"), _("Acknowledgement evidence exported"))
