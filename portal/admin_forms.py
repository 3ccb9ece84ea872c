"""The admin form of every portal page."""

from django import forms
from wagtail.admin.forms.pages import WagtailAdminPageForm

from portal import access


class PortalPageForm(WagtailAdminPageForm):
    """A chooser whose chosen page or document the editor may not read (a section's default page, a link target)
    would print its title in the form: such a field is shown empty and kept as it is on save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model = getattr(getattr(field, "queryset", None), "model", None)
            chosen = self.initial.get(name)
            if model is None or chosen in (None, "") or not hasattr(model, "effective_clearance"):
                continue
            item = model._default_manager.filter(pk=getattr(chosen, "pk", chosen)).first()
            if item is not None and not access.can_view(self.for_user, item):
                field.disabled = True  # Django keeps the initial value of a disabled field
                field.widget = forms.HiddenInput()
