from .audit import ReadAuditEntry
from .marking import MarkingMixin
from .media import SecureDocument, SecureImage, SecureRendition
from .notifications import Notification
from .pages import PortalPage
from .people import Department, SecurityProfile

__all__ = [
    "Department",
    "MarkingMixin",
    "Notification",
    "PortalPage",
    "ReadAuditEntry",
    "SecureDocument",
    "SecureImage",
    "SecureRendition",
    "SecurityProfile",
]
