"""Wagtail integration: the access chokepoint on every serve path, admin viewsets and audit actions."""

from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import EditView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal import access
from portal.models import Department, ReadAuditEntry, SecurityProfile
from portal.services.audit import protect_response, read_record
from portal.services.people import profile_update
from portal.views.admin import otp_reset_view


@hooks.register("on_serve_page", order=-1000)
def enforce_clearance_on_serve(callback):
    """Outermost wrapper of every page serve (and RoutablePageMixin sub-route): check, serve, audit."""

    def inner(page, request, serve_args, serve_kwargs):
        if not access.can_view(request.user, page, request):
            return access.deny(request)
        response = callback(page, request, serve_args, serve_kwargs)
        read_record(request=request, obj=page)
        # Every page is personal (the viewer's name, to-dos, CSRF token): shared caches never keep one.
        patch_cache_control(response, private=True)
        return protect_response(response, page)

    return inner


@hooks.register("construct_homepage_panels", order=1000)
def narrow_dashboard_panels(request, panels):
    """Wagtail's moderation, lock and recent-edit panels list only what the viewer may read."""
    from portal.admin_dashboard import panels_narrow

    panels_narrow(panels)


@hooks.register("construct_homepage_summary_items", order=1000)
def narrow_dashboard_summary(request, items):
    from portal.admin_dashboard import summary_items_narrow

    summary_items_narrow(request, items)


@hooks.register("before_serve_document", order=-1000)
def enforce_clearance_on_document(document, request):
    if not access.can_view(request.user, document, request):
        return access.deny(request)
    return None


@hooks.register("construct_explorer_page_queryset")
def explorer_only_visible(parent_page, pages, request):
    return access.visible(pages, request.user, request)


@hooks.register("construct_page_chooser_queryset")
def chooser_only_visible(pages, request):
    return access.visible(pages, request.user, request)


@hooks.register("construct_reports_menu")
def hide_unfiltered_reports(request, menu_items):
    # Wagtail's page-types report names the last edited page of each type, whatever its 密级 (closed in urls.py).
    menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


@hooks.register("register_log_actions")
def register_portal_log_actions(actions):
    actions.register_action("portal.clearance_change", _("Change clearance"), _("Clearance changed"))
    actions.register_action("portal.department_change", _("Change department"), _("Department changed"))
    actions.register_action("portal.otp_reset", _("Reset two-factor devices"), _("Two-factor devices reset"))
    actions.register_action("portal.marking_pinned", _("Pin marking"), _("Marking pinned before a move"))


@hooks.register("register_admin_urls")
def register_portal_admin_urls():
    return [path("security/otp-reset/<int:user_id>/", otp_reset_view, name="portal_otp_reset")]


class SecurityProfileEditView(EditView):
    def save_instance(self):
        # Through the service, so clearance and department changes are audited and group membership follows.
        return profile_update(actor=self.request.user, profile=self.form.instance)


class OTPResetColumn(Column):
    def get_value(self, instance):
        url = reverse("portal_otp_reset", args=[instance.user_id])
        return format_html('<a class="button button-small button-secondary" href="{}">{}</a>', url, _("Reset 2FA"))


class SecurityProfileViewSet(ModelViewSet):
    model = SecurityProfile
    name = "security_profiles"
    icon = "user"
    menu_label = _("Security profiles")
    edit_view_class = SecurityProfileEditView
    add_to_admin_menu = False
    form_fields = ["clearance", "department", "post_category", "employee_no", "hire_date", "post_changed_on", "left_on"]
    list_display = [
        "user",
        "employee_no",
        "department",
        "clearance",
        "post_category",
        OTPResetColumn("otp", label=_("2FA")),
    ]
    list_filter = ["clearance", "department", "post_category"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "employee_no"]
    inspect_view_enabled = True


class DepartmentViewSet(ModelViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    form_fields = ["name", "code", "head"]
    list_display = ["name", "code", "head"]
    search_fields = ["name", "code"]


class ReadAuditEntryViewSet(ModelViewSet):
    model = ReadAuditEntry
    icon = "list-ul"
    menu_label = _("Classified reads")
    list_display = ["timestamp", "user", "content_type", "object_id", "clearance", "action", "ip_address"]
    list_filter = ["clearance", "action", "content_type", "user", "timestamp"]
    search_fields = ["user__username", "object_id", "ip_address"]
    form_fields = ["action"]  # never used: the policy allows no add, change or delete
    copy_view_enabled = False
    inspect_view_enabled = True


class SecurityViewSetGroup(ModelViewSetGroup):
    menu_label = _("Secrecy office")
    menu_icon = "lock"
    menu_order = 150
    items = (SecurityProfileViewSet, DepartmentViewSet, ReadAuditEntryViewSet)


@hooks.register("register_admin_viewset")
def register_security_viewsets():
    return SecurityViewSetGroup()
