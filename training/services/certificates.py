"""Certificates of passed courses: a verification code per pass, checkable on a portal page."""

import secrets

from training.models import Certificate

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read from paper


def code_new():
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def certificate_issue(*, attempt, course):
    """Called once per attempt, by the request that moved it to graded (the one-to-one key backs that up)."""
    return Certificate.objects.create(
        attempt=attempt,
        user_id=attempt.user_id,
        course=course,
        code=code_new(),
        score=attempt.score,
        issued_at=attempt.submitted_at,
    )


def certificate_lookup(code):
    """The certificate with this code (spaces and case ignored), or None."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(cleaned) != 16:
        return None
    formatted = "-".join(cleaned[i : i + 4] for i in range(0, 16, 4))
    return Certificate.objects.select_related("user", "course").filter(code=formatted).first()
