"""宣传教育: 知识竞赛 open for a period, taken once, results and a department leaderboard after it closes; the
leaderboard never counts what the viewer may not see."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from training import selectors
from training.enums import QuestionKind
from training.models import Attempt, ContestPage
from training.services.quiz import QuizError, answer_save, attempt_grade, attempt_start

from .conftest import right_choice


def _take(user, contest, *, right=True):
    attempt = attempt_start(user=user, page=contest)
    for item in attempt.items.select_related("question_version"):
        choice = right_choice(item) if right else [(right_choice(item)[0] + 1) % 4]
        answer_save(attempt=attempt, question_version_id=item.question_version_id, choice=choice)
    return attempt_grade(attempt_id=attempt.pk, user=user)[0]


def _close(contest):
    ContestPage.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    contest.refresh_from_db()


@pytest.fixture
def bank(make_question):
    for n in range(4):
        make_question(QuestionKind.SINGLE, answer=[n % 4])


def test_a_contest_is_taken_once_while_open(user_with, bank, make_contest):
    """O58 保密宣传教育制度 第六条二 「开展保密知识答卷或竞赛互动」: each person takes it once, graded on the server."""
    contest = make_contest()
    user = user_with(0)
    _take(user, contest)
    with pytest.raises(QuizError):
        attempt_start(user=user, page=contest)
    later = make_contest(opens=1, closes=2)
    with pytest.raises(QuizError):
        attempt_start(user=user, page=later)
    assert Attempt.objects.filter(user=user).count() == 1


def test_results_and_the_leaderboard_appear_only_after_the_contest_closes(
    user_with, verified_client, bank, make_contest
):
    contest = make_contest()
    user = user_with(0)
    attempt = _take(user, contest)
    client = verified_client(user)
    before = client.get(reverse("training:result", args=[attempt.pk])).content.decode()
    assert "竞赛结束后公布成绩" in before and str(attempt.score) not in before
    assert "部门排行榜" not in client.get(contest.url).content.decode()
    _close(contest)
    after = client.get(reverse("training:result", args=[attempt.pk])).content.decode()
    assert "成绩：100.0" in after
    board = client.get(contest.url).content.decode()
    assert "部门排行榜" in board


def test_the_leaderboard_shows_participation_and_average_per_department(user_with, department, bank, make_contest):
    """O58: participation rate and average score per department."""
    rd, market = department("研发部"), department("市场部")
    contest = make_contest()
    a, b, _c = user_with(0, rd), user_with(0, rd), user_with(0, rd)
    d = user_with(0, market)
    _take(a, contest, right=True)
    _take(b, contest, right=False)
    _take(d, contest, right=True)
    _close(contest)
    board = {row["department"]: row for row in selectors.leaderboard_for(user=a, contest_ids=[contest.pk])}
    assert (board["研发部"]["participants"], board["研发部"]["members"], board["研发部"]["rate"]) == (2, 3, 67)
    assert board["研发部"]["average"] == 50
    assert (board["市场部"]["rate"], board["市场部"]["average"]) == (100, 100)


def test_the_leaderboard_never_counts_a_contest_the_viewer_may_not_see(
    user_with, department, bank, make_contest, verified_client
):
    """O21 深圳条例 第十二条(一): a 机密 contest in the same campaign adds nothing to a 内部 reader's leaderboard."""
    rd = department("研发部")
    open_contest = make_contest()
    campaign = open_contest.get_parent().specific
    secret_contest = make_contest(campaign=campaign, clearance=2)
    cleared = [user_with(2, rd) for _ in range(2)]
    reader = user_with(0, rd)
    _take(cleared[0], open_contest)
    for person in cleared:
        _take(person, secret_contest, right=False)
    _close(open_contest)
    _close(secret_contest)
    ids = [open_contest.pk, secret_contest.pk]
    low = {r["department"]: r for r in selectors.leaderboard_for(user=reader, contest_ids=ids)}["研发部"]
    high = {r["department"]: r for r in selectors.leaderboard_for(user=cleared[1], contest_ids=ids)}["研发部"]
    assert (low["participants"], low["average"]) == (1, 100)
    assert high["participants"] == 2 and float(high["average"]) == pytest.approx(100 / 3, abs=0.1)
    page = verified_client(reader).get(campaign.url).content.decode()
    assert secret_contest.title not in page and "部门排行榜" in page
