"""Admin and portal integration: agreement templates under 保密办, the unsigned-agreements panels, audit actions,
the records sections of a 保密档案, and the demo data."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.hooks import DEMO_LOADERS, DOSSIER_SECTIONS, HOME_PANELS, DossierSection
from records import selectors
from records.models import AgreementTemplate
from records.services.agreements import is_office, template_publish


class AgreementTemplateViewSet(SnippetViewSet):
    model = AgreementTemplate
    icon = "doc-full"
    menu_label = gettext_lazy("Agreement templates")
    list_display = ["title", "kind", "applies_to_all_staff", "active"]
    list_filter = ["kind", "active"]
    form_fields = ["kind", "title", "body", "applies_to_all_staff", "post_categories", "active"]


class RecordsViewSetGroup(SnippetViewSetGroup):
    items = (AgreementTemplateViewSet,)
    menu_icon = "folder-open-inverse"
    menu_label = gettext_lazy("Secrecy records")
    menu_name = "secrecy-records"


register_snippet(RecordsViewSetGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def publish_agreement_template(request, instance):
    # Saving a template publishes its text as a new version; signatures keep the version they signed.
    if isinstance(instance, AgreementTemplate):
        template_publish(actor=request.user, template=instance)


@hooks.register("before_delete_snippet")
def refuse_deleting_published_templates(request, instances):
    # A published template is the source of signed agreements (O79): it is deactivated, never deleted.
    published = [t for t in instances if isinstance(t, AgreementTemplate) and t.versions.exists()]
    if published:
        messages.error(request, _("A published agreement template cannot be deleted; deactivate it instead."))
        return redirect("wagtailsnippets_records_agreementtemplate:list")
    return None


class OfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return is_office(request.user)


@hooks.register("register_admin_menu_item")
def register_records_office_menu_item():
    return OfficeMenuItem(_("Secrecy office desk"), "/records/office/", icon_name="tasks", order=170)


class UnsignedAgreementsPanel(Component):
    name = "records_unsigned"
    order = 150

    def __init__(self, count):
        self.count = count

    def render_html(self, parent_context=None):
        return format_html(
            '<section class="panel summary nice-padding"><h2>{}</h2><p><a href="{}">{}</a></p></section>',
            _("Unsigned agreements"),
            "/records/office/",
            _("%(count)s agreement(s) not yet signed") % {"count": self.count},
        )


@hooks.register("construct_homepage_panels")
def add_unsigned_agreements_panel(request, panels):
    if is_office(request.user):
        panels.append(UnsignedAgreementsPanel(selectors.agreements_unsigned().count()))


@hooks.register(HOME_PANELS, order=30)
def unsigned_agreements_home_panel(request):
    if not request.user.is_authenticated:
        return ""
    agreements = list(selectors.agreements_open_for(user=request.user))
    if not agreements:
        return ""
    return render_to_string("records/includes/home_panel.html", {"agreements": agreements}, request=request)


@hooks.register("register_log_actions")
def register_records_log_actions(actions):
    for action, label in [
        ("records.template_publish", gettext_lazy("Agreement template published")),
        ("records.agreement_sign", gettext_lazy("Agreement signed")),
        ("records.noncompete_record", gettext_lazy("Non-compete terms recorded")),
        ("records.marking_classify", gettext_lazy("Classified")),
        ("records.marking_change", gettext_lazy("Classification changed")),
        ("records.marking_extend", gettext_lazy("Secrecy term extended")),
        ("records.marking_declassify", gettext_lazy("Declassified")),
        ("records.marking_lapse", gettext_lazy("Declassified at the end of its term")),
        ("records.marking_hold", gettext_lazy("Held at the end of its term")),
        ("records.borrow", gettext_lazy("Document borrowed")),
        ("records.print", gettext_lazy("Document printed")),
        ("records.download", gettext_lazy("Document downloaded")),
        ("records.return", gettext_lazy("Document returned")),
        ("records.departure_start", gettext_lazy("Departure handover started")),
        ("records.departure_item", gettext_lazy("Handover item done")),
        ("records.exit_ack", gettext_lazy("Exit reminder acknowledged")),
        ("records.departure_close", gettext_lazy("Departure handover closed")),
        ("records.access_revoke", gettext_lazy("Access revoked at the leave date")),
        ("records.dossier_view", gettext_lazy("Secrecy dossier viewed")),
        ("records.register_export", gettext_lazy("Classification register exported")),
    ]:
        actions.register_action(action, label, label)


@hooks.register(DOSSIER_SECTIONS, order=10)
def agreements_dossier_section(*, person, viewer, request=None):
    rows = [
        [
            a.template.title,
            f"v{a.version.number}",
            a.signed_at.strftime("%Y-%m-%d %H:%M"),
            a.signature_sha256[:16],
        ]
        for a in selectors.agreements_signed_for(user=person)
    ]
    rows += [
        [a.template.title, "", _("Not signed (due %(date)s)") % {"date": a.due_on}, ""]
        for a in selectors.agreements_open_for(user=person)
    ]
    terms = selectors.NonCompeteTerm.objects.filter(user=person).order_by("-created_at")
    for term in terms:
        rows.append(
            [
                _("Non-compete terms"),
                "",
                _("effective until %(date)s, compensation %(amount)s")
                % {"date": term.effective_until or "—", "amount": term.effective_compensation}
                if is_office(viewer) or viewer == person
                else _("effective until %(date)s") % {"date": term.effective_until or "—"},
                "",
            ]
        )
    return DossierSection(
        key="agreements",
        title=_("Agreements"),
        columns=[_("Agreement"), _("Version"), _("Signed at"), _("Signature hash")],
        rows=rows,
        url="/records/",
    )


@hooks.register(DEMO_LOADERS, order=60)
def load_records_demo(**kwargs):
    from records.demo import load_demo

    load_demo(**kwargs)
