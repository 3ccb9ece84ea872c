from django.contrib.sessions.models import Session
from django.utils import timezone


def expired_sessions_clear():
    """Delete expired sessions from the database store; returns how many were removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
