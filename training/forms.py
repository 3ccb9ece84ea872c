"""The question editor: the marking and category of the question, and the content of a new version."""

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from policies.models import RegulationPage
from portal.admin_forms import PortalPageForm
from portal.models import Department
from portal.models.marking import narrow_scope, scope_ids
from training.enums import QuestionKind, RuleKind


class QuestionForm(WagtailAdminModelForm):
    kind = forms.ChoiceField(label=_("Question type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    options_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One option per line (choice questions)."),
    )
    answer_text = forms.CharField(
        label=_("Answer"),
        help_text=_(
            "Letters of the correct options (e.g. A or ACD); 正确/错误 for true/false; accepted texts "
            "separated by | for a fill-in."
        ),
    )
    explanation = forms.CharField(label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_regulation = forms.ModelChoiceField(
        label=_("Source regulation"), queryset=RegulationPage.objects.live(), required=False
    )
    source_article = forms.CharField(label=_("Source article"), required=False, help_text=_("E.g. 第十一条"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = self.instance.current_version if self.instance.pk else None
        if version is not None:
            from training.exports import _answer_text

            self.initial.update(
                kind=version.kind,
                text=version.text,
                options_text="\n".join(version.options) if version.kind != QuestionKind.TRUE_FALSE else "",
                answer_text=_answer_text(version),
                explanation=version.explanation,
                source_regulation=version.source_regulation_id,
                source_article=version.source_article,
            )

    def version_content(self):
        from training.services.importing import _answer

        data = self.cleaned_data
        options = [line.strip() for line in (data.get("options_text") or "").splitlines() if line.strip()]
        return {
            "kind": data["kind"],
            "text": data["text"],
            "options": options,
            "answer": _answer(data["kind"], data["answer_text"].strip(), options) or [],
            "explanation": data.get("explanation", ""),
            "source_regulation": data.get("source_regulation"),
            "source_article": data.get("source_article", ""),
        }

    def clean(self):
        from training.services.bank import version_errors

        cleaned = super().clean()
        if "kind" in cleaned and "text" in cleaned and "answer_text" in cleaned:
            for message in version_errors(**self.version_content()):
                self.add_error(None, message)
        return cleaned


class AssignmentRuleForm(WagtailAdminModelForm):
    """Courses the editor may see only. An editor without the company-wide dashboard (a 部门保密员) makes department
    rules for their own department and nothing else (O63)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal import access
        from training.models import CoursePage
        from training.selectors import rule_department_scope_for

        user = self.for_user
        if "course" in self.fields and user is not None:
            self.fields["course"].queryset = access.visible(CoursePage.objects.order_by("title"), user)
        self.department_only = rule_department_scope_for(user=user) if user is not None else None
        if self.department_only is not None:
            self.fields["kind"].choices = [(RuleKind.DEPARTMENT.value, RuleKind.DEPARTMENT.label)]
            self.fields["departments"].queryset = Department.objects.filter(pk=self.department_only)
            self.fields["departments"].required = True
            for name in ("users", "post_categories"):
                self.fields.pop(name, None)

    def clean(self):
        cleaned = super().clean()
        if self.department_only is not None:
            if cleaned.get("kind") != RuleKind.DEPARTMENT:
                self.add_error("kind", _("You can only assign training to your own department."))
            departments = cleaned.get("departments") or []
            if not departments or any(d.pk != self.department_only for d in departments):
                self.add_error("departments", _("You can only assign training to your own department."))
        return cleaned


class CampaignAudienceForm(PortalPageForm):
    """Campaign and contest pages. A 部门保密员 (training.page_permissions) addresses their own department only (O63):
    the 知悉范围 offers that department alone, a new campaign starts with it ticked, and the audience the page ends up
    with (its scope narrowed by its parents') must be exactly that department: not the whole company, not another."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from training.page_permissions import department_rights_for

        self.department_rights = department_rights_for(self.for_user) if self.for_user is not None else None
        rights = self.department_rights
        if rights is None or "scope" not in self.fields:
            return
        self.fields["scope"].queryset = Group.objects.filter(pk=rights.group_id)
        if not self.instance.pk and self.parent_page is not None and self.parent_page.path in rights.index_paths:
            self.initial["scope"] = [rights.group_id] if rights.group_id else []

    def clean(self):
        cleaned = super().clean()
        rights = self.department_rights
        if rights is None or "scope" not in self.fields or self.parent_page is None:
            return cleaned
        chosen = {group.pk for group in cleaned.get("scope") or []} or None
        audience = narrow_scope(scope_ids(self.parent_page.effective_scope), chosen)
        if rights.group_id is None or audience != {rights.group_id}:
            name = Department.objects.filter(pk=rights.department_id).values_list("name", flat=True).first()
            if name:
                message = _(
                    "A department secrecy officer addresses their own department only: set the need-to-know scope "
                    "to %(department)s alone."
                ) % {"department": name}
            else:
                message = _("You have no department: campaigns are created by the secrecy office.")
            self.add_error("scope", message)
        return cleaned
