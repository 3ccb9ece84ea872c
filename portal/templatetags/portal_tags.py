from django import template

from portal import access

register = template.Library()


@register.simple_tag(takes_context=True)
def viewable(context, obj):
    """True if the current reader may open `obj`: embedded files show neither link nor title otherwise."""
    request = context.get("request")
    return request is not None and access.can_view(request.user, obj, request)
