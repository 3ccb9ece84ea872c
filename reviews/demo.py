"""Demo data: approver groups, the default chains, and three requests in different states."""

import datetime

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.enums import Clearance

from . import selectors, services
from .chains import chains_ensure
from .enums import DecisionAction, ReviewKind
from .models import LEADER_GROUP, ReviewRequest

DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

DEMO_REQUESTS = [
    # (key, kind, title, steps approved as (username, comment))
    ("waiting-dept", ReviewKind.PUBLICATION, "演示：新型密封结构的试验研究（投稿）", []),
    ("waiting-office", ReviewKind.EXHIBITION, "演示：2026 工业博览会参展", [("pm", "部门同意参展。")]),
    (
        "approved",
        ReviewKind.PUBLICATION,
        "演示：热处理工艺综述（会议论文）",
        [("pm", "同意。"), ("officer", "同意发表。")],
    ),
]

KIND_DETAILS = {
    ReviewKind.PUBLICATION: {"venue": "《机械工程学报》", "authors": "李工", "abstract": "演示摘要。"},
    ReviewKind.EXHIBITION: {
        "exhibition": "2026 工业博览会",
        "organiser": "博览会组委会",
        "place": "深圳会展中心",
        "end_date": "2026-10-12",
        "exhibits": "样机外观模型\n宣传册",
        "staff": "李工",
    },
}


def load_reviews_demo(*, home, departments, users, stdout, **kwargs):
    chains_ensure()
    leaders = Group.objects.get(name=LEADER_GROUP)
    if "leader" in users:
        users["leader"].groups.add(leaders)
    requester = users.get("engineer")
    if requester is None:
        return
    for key, kind, title, approvals in DEMO_REQUESTS:
        if ReviewRequest.objects.filter(requester=requester, title=title).exists():
            continue
        rr = ReviewRequest(
            kind=kind,
            title=title,
            summary="演示数据。",
            project="演示项目",
            planned_date=timezone.localdate() + datetime.timedelta(days=30),
            self_assessment=Clearance.INTERNAL,
            assessment_reasons="不含技术秘密的实质性内容。",
            details=KIND_DETAILS[kind],
            clearance=Clearance.SECRET,
            secrecy_term="5年",
            classification_basis="保密审查申请材料",
        )
        services.request_save(user=requester, review_request=rr, is_new=True)
        services.attachment_add(
            user=requester,
            review_request=rr,
            upload=SimpleUploadedFile("demo.pdf", DEMO_PDF, content_type="application/pdf"),
            label="演示附件",
        )
        services.request_submit(user=requester, review_request=rr)
        for username, comment in approvals:
            task_state = selectors.current_task_state(rr)
            # Demo decisions are written directly: there is no one at a keyboard to re-enter a code.
            services._decide(
                user=users[username],
                review_request_id=rr.pk,
                task_state_id=task_state.pk,
                action=DecisionAction.APPROVE,
                comment=comment,
                conditions="",
                no_leak_confirmed=True,
                signed=True,
            )
        stdout.write(f"reviews: demo request {key}")
