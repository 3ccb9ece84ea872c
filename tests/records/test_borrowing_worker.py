import datetime

from django.utils import timezone
from wagtail.models import Collection

from portal.enums import Clearance
from portal.models import Notification
from records.models import Borrowing
from tests.conftest import needs_worker

from .test_borrowing import make_document

pytestmark = needs_worker


def test_overdue_reminder_runs_on_a_real_worker(user_with, celery_live):
    """O33 技术资料保密细则 三(五): the beat task `records.borrowing_overdue_remind` runs on a Celery worker."""
    from records.tasks import borrowing_overdue_remind_task

    # A transactional test's flush also removes the root collection the migrations made; documents need it.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    borrower = user_with(Clearance.SECRET)
    Borrowing.objects.create(
        user=borrower,
        document=make_document(),
        purpose="审阅",
        clearance=Clearance.SECRET,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert borrowing_overdue_remind_task.delay().get(timeout=60) == 1
    assert Notification.objects.filter(user=borrower, kind="records.borrowing_overdue").exists()
