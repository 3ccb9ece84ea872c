"""Extension points that other apps fill through Wagtail hooks, so portal and home never import those apps.

Register with ``@hooks.register(HOME_PANELS, order=N)`` in the app's ``wagtail_hooks.py``.
"""

from dataclasses import dataclass, field

from wagtail import hooks

# fn(request) -> rendered HTML (a SafeString) or "" : a box on the home page's desk ("我的培训", "待我审批", ...).
HOME_PANELS = "portal_home_panels"

# fn(*, home, departments, users, stdout) : adds the app's demo data; called by `load_demo`; must be re-runnable.
DEMO_LOADERS = "portal_load_demo"

# fn(*, person, viewer, request) -> DossierSection | None : one section of a person's 保密档案 (their own, or for
# 保密办). `request` goes to access.viewer_for, so the CLASSIFIED_NETWORKS limit applies to what a section shows.
DOSSIER_SECTIONS = "portal_dossier_sections"

# fn(*, user, page) -> PagePermissionTester | None : an app's own answer to what `user` may do to `page` in the admin
# (training: a 部门保密员 works on their own department's campaigns only). The first tester returned wins; when every
# function returns None, Wagtail's tester (group page permissions) decides, with moves and copies kept to readable
# parents (portal.permission_policies.ClearancePagePermissionTester).
PAGE_PERMISSION_TESTERS = "portal_page_permission_testers"


@dataclass
class DossierSection:
    """A titled table; rendered on the 保密档案 page and in its PDF. Cells are plain text (escaped when shown)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    url: str = ""


def home_panels(request):
    return [html for fn in hooks.get_hooks(HOME_PANELS) if (html := fn(request))]


def dossier_sections(*, person, viewer, request=None):
    return [
        section
        for fn in hooks.get_hooks(DOSSIER_SECTIONS)
        if (section := fn(person=person, viewer=viewer, request=request))
    ]


def page_permission_tester(*, user, page):
    from portal.permission_policies import ClearancePagePermissionTester

    for fn in hooks.get_hooks(PAGE_PERMISSION_TESTERS):
        if (tester := fn(user=user, page=page)) is not None:
            return tester
    return ClearancePagePermissionTester(user, page)


def demo_loaders_run(**kwargs):
    for fn in hooks.get_hooks(DEMO_LOADERS):
        fn(**kwargs)
