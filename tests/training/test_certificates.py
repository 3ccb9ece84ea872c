"""A PDF certificate per pass, with a verification code checkable on a portal page."""

import io

from django.urls import reverse
from pypdf import PdfReader

from training.enums import QuestionKind
from training.models import Certificate
from training.services.quiz import answer_save, attempt_grade, attempt_start

from .conftest import right_choice


def _pass(user, course):
    attempt = attempt_start(user=user, page=course)
    for item in attempt.items.select_related("question_version"):
        answer_save(attempt=attempt, question_version_id=item.question_version_id, choice=right_choice(item))
    return attempt_grade(attempt_id=attempt.pk, user=user)[0]


def test_a_pass_gets_a_certificate_whose_code_verifies_on_the_portal(
    user_with, verified_client, make_question, make_course
):
    """O61 保密工作管理方案办法 三、3: the certificate carries name, course, date, score and a code; the portal page
    confirms a real code and refuses a made-up one."""
    make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(questions=1, title="年度全员保密培训")
    owner = user_with(0, first_name="张敏")
    attempt = _pass(owner, course)
    certificate = Certificate.objects.get(attempt=attempt)
    client = verified_client(owner)
    pdf = client.get(reverse("training:certificate_pdf", args=[certificate.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "no-cache" in pdf["Cache-Control"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert certificate.code in text and "张敏" in text and "年度全员保密培训" in text and "100.0" in text

    checker = verified_client(user_with(0))
    ok = checker.get(reverse("training:verify"), {"code": certificate.code.lower().replace("-", " ")})
    html = ok.content.decode()
    assert "证书有效" in html and "张敏" in html and "年度全员保密培训" in html
    forged = checker.get(reverse("training:verify"), {"code": "AAAA-BBBB-CCCC-DDDD"}).content.decode()
    assert "没有与该验证码对应的证书" in forged and "证书有效" not in forged


def test_someone_elses_certificate_cannot_be_downloaded(user_with, verified_client, make_question, make_course):
    make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(questions=1)
    certificate = _pass(user_with(0), course).certificate
    assert (
        verified_client(user_with(3)).get(reverse("training:certificate_pdf", args=[certificate.pk])).status_code == 403
    )


def test_verifying_a_classified_certificate_does_not_reveal_the_course_title(
    user_with, verified_client, make_question, make_course
):
    """O21: the check confirms the certificate, but only a cleared reader sees the 机密 course's title."""
    make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(questions=1, clearance=2, title="星河项目专门培训")
    certificate = _pass(user_with(2), course).certificate
    html = verified_client(user_with(0)).get(reverse("training:verify"), {"code": certificate.code}).content.decode()
    assert "证书有效" in html and "星河项目专门培训" not in html
    cleared = verified_client(user_with(2)).get(reverse("training:verify"), {"code": certificate.code})
    assert "星河项目专门培训" in cleared.content.decode()


def test_a_failed_attempt_gets_no_certificate(user_with, make_question, make_course):
    make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(questions=1)
    user = user_with(0)
    attempt = attempt_start(user=user, page=course)
    attempt_grade(attempt_id=attempt.pk, user=user)
    assert not Certificate.objects.exists()
