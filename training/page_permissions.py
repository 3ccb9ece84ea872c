"""Who may do what to the training section's pages in the admin (O63).

保密办 (training.view_assignment) and superusers keep Wagtail's group page permissions. Anyone else who holds page
permissions in the training section works there as a 部门保密员: they may add a campaign under the training index
(and nothing else there: courses are 保密办's), and they may edit, publish, move or delete only inside a campaign whose
audience (effective 知悉范围) is exactly their own department. Every other training page is read-only to them, whatever
their group grants say. The campaign form (training.forms.CampaignAudienceForm) keeps a new or edited campaign to
their department, and the before_create_page/before_edit_page hooks refuse a forged audience outright.

Wagtail asks PortalPage.permissions_for_user for every page action (edit, publish, unpublish, move, copy, delete,
lock, bulk actions, revisions), so the narrowing applies to all of them.
"""

from dataclasses import dataclass, field

from portal.models import Department, PortalPage
from portal.models.marking import scope_key
from portal.permission_policies import ClearancePagePermissionTester
from training.selectors import rule_department_scope_for


@dataclass
class DepartmentRights:
    """A 部门保密员's reach in the training section: their department's group, its scope key, the index paths."""

    department_id: int | None
    group_id: int | None
    index_paths: tuple
    campaign_scopes: dict = field(default_factory=dict)  # campaign path -> effective scope, read once per request

    @property
    def own_scope(self):
        return scope_key({self.group_id}) if self.group_id else None

    def index_path_of(self, path):
        return next((p for p in self.index_paths if path.startswith(p)), None)


def department_rights_for(user):
    """None for 保密办 and superusers (Wagtail's own rules), else the user's DepartmentRights. Cached on the user
    object, which lives for one request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, "_training_department_rights", None)
    if cached is None:
        department_id = rule_department_scope_for(user=user)
        if department_id is None:
            cached = False
        else:
            from training.models import TrainingIndexPage

            group_id = Department.objects.filter(pk=department_id).values_list("group_id", flat=True).first()
            cached = DepartmentRights(
                department_id=department_id or None,
                group_id=group_id,
                index_paths=tuple(TrainingIndexPage.objects.values_list("path", flat=True)),
            )
        user._training_department_rights = cached
    return cached or None


def _campaign_scope(rights, page, index_path):
    """The effective scope of the campaign `page` belongs to (the page itself or its ancestor one level below the
    index), or None when the page is in no campaign (a course, a lesson)."""
    from training.models import CampaignPage

    campaign_path = page.path[: len(index_path) + PortalPage.steplen]
    if page.path == campaign_path:
        return page.effective_scope if issubclass(page.specific_class or PortalPage, CampaignPage) else None
    if campaign_path not in rights.campaign_scopes:
        rights.campaign_scopes[campaign_path] = (
            CampaignPage.objects.filter(path=campaign_path).values_list("effective_scope", flat=True).first()
        )
    return rights.campaign_scopes[campaign_path]


def in_own_campaign(rights, page):
    """Whether `page` is a campaign for the department alone, or inside one."""
    index_path = rights.index_path_of(page.path)
    if index_path is None or page.path == index_path or rights.own_scope is None:
        return False
    return _campaign_scope(rights, page, index_path) == rights.own_scope


class DepartmentCampaignPermissionTester(ClearancePagePermissionTester):
    """Wagtail's tester with the group permissions narrowed to the 部门保密员's reach (see the module docstring)."""

    def __init__(self, user, page, *, rights):
        super().__init__(user, page)
        granted = self.permissions
        self.may_publish_subpages = False
        if page.path in rights.index_paths:
            # Adding a campaign (checked by the campaign form and hooks) and publishing it on creation; never
            # editing, reordering or unpublishing the index itself.
            self.permissions = granted & {"add"} if rights.own_scope else set()
            self.may_publish_subpages = bool(rights.own_scope) and "publish" in granted
        elif in_own_campaign(rights, page):
            self.permissions = granted
            self.may_publish_subpages = "publish" in granted
        else:
            self.permissions = set()

    def can_publish_subpage(self):
        if not self.user.is_active or self.page.specific_class is None:
            return False
        return self.may_publish_subpages and bool(self.page.specific_class.creatable_subpage_models())


def department_campaign_tester(*, user, page):
    """portal.hooks.PAGE_PERMISSION_TESTERS: the narrowed tester for a 部门保密员 on a training page, else None."""
    if not page.path or user.is_superuser:
        return None
    rights = department_rights_for(user)
    if rights is None or rights.index_path_of(page.path) is None:
        return None
    return DepartmentCampaignPermissionTester(user, page, rights=rights)
