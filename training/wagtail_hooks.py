"""Admin integration (viewsets, dashboard, bank import/export) and the portal hooks: home panel, dossier, demo."""

from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal import access
from portal.hooks import DEMO_LOADERS, DOSSIER_SECTIONS, HOME_PANELS, PAGE_PERMISSION_TESTERS, DossierSection
from portal.models import Department
from training import admin_views, selectors
from training.enums import RuleKind
from training.forms import AssignmentRuleForm, QuestionForm
from training.models import AssignmentRule, CampaignPage, ContestPage, Question, QuestionCategory, StudyHoursTarget
from training.page_permissions import department_campaign_tester, department_rights_for
from training.services.bank import question_save
from training.services.campaigns import campaign_id_of, campaign_view_record


class QuestionIndexView(IndexView):
    def get_base_queryset(self):
        # Like every listing: a question the editor may not read is not listed.
        return access.visible(super().get_base_queryset(), self.request.user, self.request).select_related(
            "category", "current_version"
        )


class QuestionSaveMixin:
    def save_instance(self):
        form = self.form
        scope = form.cleaned_data.get("scope")
        question = form.save(commit=False)
        question_save(actor=self.request.user, question=question, scope=scope, **form.version_content())
        return question


class QuestionCreateView(QuestionSaveMixin, CreateView):
    pass


class ReadableQuestionOnlyMixin:
    """O21 知悉范围, O12 科学技术保密规定 第十八条: every admin view of one question (edit, delete, history, usage,
    inspect) answers a never-cached 403 to an editor who may not read it, before anything is shown or changed.
    Most of these views load the question in setup(); the edit view loads it in get() or post(), after dispatch()."""

    def dispatch(self, request, *args, **kwargs):
        if getattr(self, "object", None) is None:
            self.object = self.get_object()
        if not access.can_view(request.user, self.object, request):
            return access.deny(request)
        return super().dispatch(request, *args, **kwargs)


class QuestionEditView(ReadableQuestionOnlyMixin, QuestionSaveMixin, EditView):
    pass


class QuestionDeleteView(ReadableQuestionOnlyMixin, DeleteView):
    pass


class QuestionHistoryView(ReadableQuestionOnlyMixin, HistoryView):
    pass


class QuestionUsageView(ReadableQuestionOnlyMixin, UsageView):
    pass


class QuestionInspectView(ReadableQuestionOnlyMixin, InspectView):
    pass


class QuestionViewSet(ModelViewSet):
    name = "training_question"
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    form_fields = [
        "category",
        "tags",
        "active",
        "clearance",
        "secrecy_term",
        "secrecy_until",
        "classification_basis",
        "classifier",
        "scope",
    ]
    # The listing is filtered to what the editor may read, so it shows the text.
    list_display = ["text_preview", "category", "clearance", "active"]
    list_filter = ["category", "clearance", "active"]
    search_fields = ["tags", "versions__text"]
    index_view_class = QuestionIndexView
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView
    history_view_class = QuestionHistoryView
    usage_view_class = QuestionUsageView
    inspect_view_class = QuestionInspectView
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        from django.forms.models import modelform_factory

        return modelform_factory(self.model, form=QuestionForm, fields=self.form_fields)


class QuestionCategoryViewSet(ModelViewSet):
    name = "training_category"
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    form_fields = ["name", "code", "content_area"]
    list_display = ["name", "code", "content_area"]


def _rules_for(user, queryset):
    """The rules an editor may list or edit: all of them company-wide, else only their own department's."""
    department_id = selectors.rule_department_scope_for(user=user)
    if department_id is None:
        return queryset
    return (
        queryset.filter(kind=RuleKind.DEPARTMENT, departments=department_id)
        .exclude(departments__in=Department.objects.exclude(pk=department_id))
        .exclude(users__isnull=False)
        .distinct()
    )


class AssignmentRuleIndexView(IndexView):
    def get_base_queryset(self):
        return _rules_for(self.request.user, super().get_base_queryset())


class OwnRulesOnlyMixin:
    """Editing or deleting a rule outside the editor's reach (another department's) is denied."""

    def get_object(self, queryset=None):
        rule = super().get_object(queryset)
        if not _rules_for(self.request.user, AssignmentRule.objects.filter(pk=rule.pk)).exists():
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return rule


class AssignmentRuleEditView(OwnRulesOnlyMixin, EditView):
    pass


class AssignmentRuleDeleteView(OwnRulesOnlyMixin, DeleteView):
    pass


class AssignmentRuleViewSet(ModelViewSet):
    name = "training_rule"
    model = AssignmentRule
    icon = "calendar-check"
    menu_label = _("Assignment rules")
    form_fields = ["name", "course", "kind", "days", "due_on", "departments", "post_categories", "users", "active"]
    list_display = ["name", "course", "kind", "days", "active"]
    list_filter = ["kind", "active"]
    index_view_class = AssignmentRuleIndexView
    edit_view_class = AssignmentRuleEditView
    delete_view_class = AssignmentRuleDeleteView
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        from django.forms.models import modelform_factory

        return modelform_factory(self.model, form=AssignmentRuleForm, fields=self.form_fields)


class StudyHoursTargetViewSet(ModelViewSet):
    name = "training_hours"
    model = StudyHoursTarget
    icon = "time"
    menu_label = _("Credit-hour targets")
    form_fields = ["post_category", "hours"]
    list_display = ["post_category", "hours"]


class TrainingViewSetGroup(ModelViewSetGroup):
    menu_label = _("Training")
    menu_icon = "group"
    menu_order = 170
    items = (QuestionViewSet, QuestionCategoryViewSet, AssignmentRuleViewSet, StudyHoursTargetViewSet)


@hooks.register("register_admin_viewset")
def register_training_viewsets():
    return TrainingViewSetGroup()


@hooks.register("register_admin_urls")
def register_training_admin_urls():
    return [
        path("training/dashboard/", admin_views.dashboard, name="training_dashboard"),
        path("training/dashboard/people/", admin_views.people, name="training_people"),
        path("training/person/<int:user_id>/", admin_views.person_record, name="training_person"),
        path("training/coverage/", admin_views.coverage, name="training_coverage"),
        path("training/campaigns/", admin_views.campaign_reports, name="training_campaigns"),
        path("training/campaigns/<int:campaign_id>/", admin_views.campaign_report, name="training_campaign_report"),
        path("training/bank/import/", admin_views.bank_import_view, name="training_bank_import"),
        path("training/bank/export/", admin_views.bank_export, name="training_bank_export"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.permissions = permissions

    def is_shown(self, request):
        return any(request.user.has_perm(permission) for permission in self.permissions)


@hooks.register("register_admin_menu_item")
def register_training_dashboard_menu_item():
    return PermissionMenuItem(
        _("Training completion"),
        reverse("training_dashboard"),
        icon_name="tasks",
        order=165,
        permissions=admin_views.DASHBOARD_PERMISSIONS,
    )


@hooks.register("on_serve_page", order=100)
def record_campaign_views(callback):
    """O59: who opened a campaign or one of its articles. Runs inside the portal's clearance check (order -1000) and
    inside Wagtail's view restrictions (order 0), so only a page actually shown is counted, not a password form."""

    def inner(page, request, serve_args, serve_kwargs):
        response = callback(page, request, serve_args, serve_kwargs)
        if request.method == "GET" and response.status_code == 200 and request.user.is_authenticated:
            campaign_id = campaign_id_of(page)
            if campaign_id is not None:
                campaign_view_record(campaign_id=campaign_id, user_id=request.user.pk)
        return response

    return inner


@hooks.register(PAGE_PERMISSION_TESTERS)
def training_page_permissions(*, user, page):
    return department_campaign_tester(user=user, page=page)


def _forged_audience(request, rights, page_class):
    """A posted 知悉范围 naming any group but the officer's department: the form never offers one, so it is forged."""
    if request.method != "POST" or not issubclass(page_class, (CampaignPage, ContestPage)):
        return False
    return any(value != str(rights.group_id) for value in request.POST.getlist("scope"))


@hooks.register("before_create_page")
def department_officer_creates_campaigns_only(request, parent_page, page_class):
    """O63: under the training index a 部门保密员 adds campaigns, never courses; an audience outside their department
    is refused with 403 before any form is read."""
    rights = department_rights_for(request.user)
    if rights is None or rights.index_path_of(parent_page.path) is None:
        return None
    if parent_page.path in rights.index_paths and not issubclass(page_class, CampaignPage):
        return access.deny(request)
    if _forged_audience(request, rights, page_class):
        return access.deny(request)
    return None


@hooks.register("before_edit_page")
def department_officer_keeps_the_audience(request, page):
    rights = department_rights_for(request.user)
    if rights is None or rights.index_path_of(page.path) is None:
        return None
    if _forged_audience(request, rights, page.specific_class):
        return access.deny(request)
    return None


@hooks.register("register_admin_menu_item")
def register_campaign_reports_menu_item():
    return PermissionMenuItem(
        _("Campaign reach"),
        reverse("training_campaigns"),
        icon_name="doc-full",
        order=166,
        permissions=admin_views.DASHBOARD_PERMISSIONS,
    )


@hooks.register("register_log_actions")
def register_training_log_actions(actions):
    actions.register_action("training.question_version", _("Save question version"), _("Question version saved"))
    actions.register_action("training.attempt_graded", _("Grade quiz attempt"), _("Quiz attempt graded"))
    actions.register_action("training.assign", _("Assign training"), _("Training assigned"))
    actions.register_action("training.export", _("Export training completion"), _("Training completion exported"))
    actions.register_action("training.campaign_export", _("Export campaign report"), _("Campaign report exported"))
    actions.register_action("training.bank_import", _("Import question bank"), _("Question bank imported"))
    actions.register_action("training.bank_export", _("Export question bank"), _("Question bank exported"))


@hooks.register(HOME_PANELS, order=20)
def my_training_panel(request):
    """我的培训 on the desk: open assignments first, then this year's passed ones."""
    if not request.user.is_authenticated:
        return ""
    year = timezone.localdate().year
    rows = [
        a for a in selectors.assignments_for(user=request.user, request=request) if not a.passed_at or a.cycle == year
    ]
    if not rows:
        return ""
    return render_to_string(
        "training/includes/home_panel.html", {"assignments": rows[:10], "today": timezone.localdate()}, request
    )


@hooks.register(DOSSIER_SECTIONS, order=20)
def training_dossier_section(*, person, viewer, request=None):
    record = selectors.person_record(person=person, user=viewer, request=request)
    rows = []
    for assignment in record["assignments"]:
        rows.append(
            [
                str(assignment.cycle),
                assignment.course.title,
                assignment.due_on.isoformat(),
                str(assignment.status_label),
                "" if assignment.best_score is None else str(assignment.best_score),
                str(assignment.course.study_hours),
            ]
        )
    if not rows and not record["attempts"]:
        return None
    return DossierSection(
        key="training",
        title=_gettext("Secrecy training record"),
        columns=[
            _gettext("Cycle"),
            _gettext("Course"),
            _gettext("Complete by"),
            _gettext("Status"),
            _gettext("Best score"),
            _gettext("Credit hours"),
        ],
        rows=rows,
        url=reverse("training:record") if person.pk == viewer.pk else reverse("training_person", args=[person.pk]),
    )


@hooks.register(DEMO_LOADERS, order=20)
def load_training_demo(*, home, departments, users, stdout):
    from training.demo import load_training

    load_training(home=home, departments=departments, users=users, stdout=stdout)
