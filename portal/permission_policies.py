"""Admin permission policies for documents and images that add the clearance check to Wagtail's own.

Listings, choosers and edit views of the admin ask these, so a superuser or editor never sees the title or
thumbnail of an item above their clearance or outside its 知悉范围.
"""

from wagtail.models import PagePermissionTester
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from portal import access


class ClearanceCollectionOwnershipPermissionPolicy(CollectionOwnershipPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        return access.can_view(user, instance) and super().user_has_permission_for_instance(user, action, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return access.can_view(user, instance) and super().user_has_any_permission_for_instance(user, actions, instance)

    def instances_user_has_permission_for(self, user, action):
        return access.visible(super().instances_user_has_permission_for(user, action), user)

    def instances_user_has_any_permission_for(self, user, actions):
        return access.visible(super().instances_user_has_any_permission_for(user, actions), user)


class ClearancePagePermissionPolicy(PagePermissionPolicy):
    """Admin page listings, search and choosers show only pages the user is cleared to read."""

    def explorable_instances(self, user):
        return access.visible(super().explorable_instances(user), user)

    def instances_user_has_any_permission_for(self, user, actions):
        return access.visible(super().instances_user_has_any_permission_for(user, actions), user)


class ClearancePagePermissionTester(PagePermissionTester):
    """Wagtail's tester, except that a page is never moved or copied to a parent the user may not read: Wagtail asks
    the destination's tester only for users who are not superusers."""

    def can_move_to(self, destination):
        return access.may_act_on(self.user, destination) and super().can_move_to(destination)

    def can_copy_to(self, destination, recursive=False):
        return access.may_act_on(self.user, destination) and super().can_copy_to(destination, recursive)


class UnreadablePagePermissionTester(PagePermissionTester):
    """A page the user may not read: no admin action on it or under it, superusers included (Wagtail's tester lets
    a superuser do anything, and lets a group permission on a section reach pages above the member's clearance)."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.permissions = set()


for _action in [name for name in dir(PagePermissionTester) if name.startswith("can_")]:
    setattr(UnreadablePagePermissionTester, _action, lambda self, *args, **kwargs: False)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """An append-only record (the read audit): it can be viewed, never added, edited or deleted in the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


def register():
    from wagtail.permissions import register_permission_policy

    from portal.models import PortalPage, ReadAuditEntry, SecureDocument, SecureImage

    register_permission_policy(ReadAuditEntry, ReadOnlyPermissionPolicy(ReadAuditEntry), exact_class=True)

    register_permission_policy(PortalPage, ClearancePagePermissionPolicy(PortalPage), exact_class=True)

    for model, auth_model in ((SecureDocument, "wagtaildocs.Document"), (SecureImage, "wagtailimages.Image")):
        policy = ClearanceCollectionOwnershipPermissionPolicy(
            model, auth_model=auth_model, owner_field_name="uploaded_by_user"
        )
        register_permission_policy(model, policy, exact_class=True)
