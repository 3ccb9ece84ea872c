"""Refusals that do not come from an access check still answer like one: the Chinese 403 page, never cached."""

from portal import access


def denied(request, *args, **kwargs):
    return access.deny(request)


def csrf_failure(request, reason=""):
    return access.deny(request)
