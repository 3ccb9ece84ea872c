"""Demo training: the 2026 annual course built from the seeds (技术保密管理规定, 保密宣传教育制度), a 机密 course for
涉密岗位, rules, a 宣传 campaign with a 知识竞赛, and a few attempts so the dashboard has numbers. Re-runnable."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from policies.models import RegulationPage
from portal.demo.data import SECRECY_OFFICE_GROUP
from portal.enums import Clearance, PostCategory
from portal.models import SecurityProfile
from training.enums import ContentArea, CourseKind, QuestionKind, RuleKind
from training.models import (
    Assignment,
    AssignmentRule,
    Attempt,
    CampaignPage,
    ContestPage,
    CoursePage,
    LessonPage,
    Question,
    QuestionCategory,
    StudyHoursTarget,
    TrainingIndexPage,
)
from training.services.assignments import assignments_evaluate
from training.services.bank import question_save
from training.services.campaigns import campaign_view_record
from training.services.quiz import QuizError, answer_save, attempt_grade, attempt_start
from training.services.summary import summary_rebuild

DEPARTMENT_OFFICER_GROUP = getattr(settings, "REVIEWS_DEPARTMENT_OFFICER_GROUP", "部门保密员")
# 赵峰 (pm) is also 研发部's 部门保密员: department campaigns, rules and completion for 研发部 only (O63).
DEMO_DEPARTMENT_OFFICER = ("pm", "rd")
PAGE_PERMISSION_TYPES = ("add", "change", "publish")
TECH = "技术保密管理规定"
EDU = "保密规章制度"  # 保密制度建设 第三篇: the 局's 保密宣传教育 rules

CATEGORIES = [
    ("法规制度", "rules", ContentArea.LAW),
    ("保密基本知识", "basics", ContentArea.BASICS),
    ("定密与密级", "classification", ContentArea.CLASSIFICATION),
    ("对外交流与宣传", "outward", ContentArea.RULES),
    ("奖惩", "sanctions", ContentArea.CASES),
    ("涉密岗位专门知识", "classified-post", ContentArea.TECHNICAL),
]
# A course on the remaining areas of 第五条, so the demo covers all ten (O57): (title, area, summary).
TOPIC_LESSONS = [
    ("专题一 保密工作的方针政策", ContentArea.POLICY, "党和国家有关保密工作的路线、方针、政策。"),
    ("专题二 计算机与网络安全保密", ContentArea.NETWORK, "计算机信息系统及网络安全保密知识和防范措施。"),
    ("专题三 保密形势与反窃密", ContentArea.THREATS, "保密工作与反窃密斗争形势。"),
    ("专题四 泄密典型案例", ContentArea.CASES, "保密工作先进事迹和泄密事件典型案例。"),
    ("专题五 上级部署的专题学习", ContentArea.OTHER, "上级保密主管机关安排的其它保密宣传教育内容。"),
]

S, M, TF, F = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL_IN
# (category code, regulation, 条, kind, text, options, answer, explanation)
QUESTIONS = [
    (
        "rules",
        TECH,
        "第二条",
        TF,
        "保护本单位的技术秘密是每位职工的义务和责任。",
        [],
        [0],
        "第二条明确技术秘密保护是每位职工的义务和责任。",
    ),
    (
        "rules",
        TECH,
        "第四条",
        S,
        "技术保密工作小组的组长由谁担任？",
        ["主管技术的领导", "人事部门负责人", "档案管理员", "各部门兼职保密员"],
        [0],
        "第四条：由主管技术的领导任组长，技术管理部门负责人任副组长。",
    ),
    (
        "rules",
        TECH,
        "第四条",
        F,
        "各部门必须指定一名____兼管本单位的技术保密工作。",
        [],
        ["技术管理人员"],
        "第四条要求各部门指定一名技术管理人员兼管。",
    ),
    (
        "classification",
        TECH,
        "第七条",
        M,
        "载有技术秘密的资料及样品，应当如何处理？",
        ["注明保密和密级字样", "根据密级采取保密措施", "归档保存，严格查阅、借阅制度", "随意放置在公共区域"],
        [0, 1, 2],
        "第七条：注明保密和密级字样，并根据密级采取保密措施，归档保存，严格查阅、借阅制度。",
    ),
    (
        "classification",
        TECH,
        "第七条",
        TF,
        "图纸、磁（光）盘、声像资料不属于需要标注密级的载体。",
        [],
        [1],
        "第七条列举的载体包括图纸、磁（光）盘、图像、声像等。",
    ),
    (
        "basics",
        TECH,
        "第八条",
        S,
        "因业务可能知悉技术秘密的人员必须与法人签订什么？",
        ["《知识产权保护协议》", "劳动合同补充条款", "竞业承诺书", "考勤制度"],
        [0],
        "第八条要求签订包括有保护技术秘密的《知识产权保护协议》。",
    ),
    (
        "basics",
        TECH,
        "第十一条",
        F,
        "重要人员在离开本单位____年内，不得在有竞争关系的单位任职。",
        [],
        ["三", "3"],
        "第十一条规定为离开本单位三年内。",
    ),
    (
        "basics",
        TECH,
        "第十二条",
        S,
        "有关人员离开单位时，主管部门和人事部门应以何种形式重申其保密义务？",
        ["书面形式", "口头提醒", "电话通知", "无需重申"],
        [0],
        "第十二条：应以书面形式向该人员重申其保密义务和竞业限制义务。",
    ),
    (
        "outward",
        TECH,
        "第十六条",
        M,
        "对外发表文章前，以下哪些做法符合规定？",
        ["不涉及技术秘密的实质性内容", "稿件经技术保密主管部门审查", "确认不会造成泄密后签字认可", "先发表后补审"],
        [0, 1, 2],
        "第十六条：稿件必须经技术保密主管部门审查，在确认不会造成泄密后，签字认可方可发表。",
    ),
    (
        "outward",
        TECH,
        "第十八条",
        S,
        "外单位人员来访涉及技术秘密的，须经谁批准？",
        ["报主管部门呈本单位主管领导批准", "接待人员自行决定", "门卫登记即可", "无需审批"],
        [0],
        "第十八条：须报主管部门呈本单位主管领导批准。",
    ),
    (
        "outward",
        TECH,
        "第十九条",
        TF,
        "在学术交流活动中，可以向他人提供载有技术秘密的资料。",
        [],
        [1],
        "第十九条：不透露和不向他人提供涉及载有技术秘密的资料和物品。",
    ),
    (
        "outward",
        TECH,
        "第二十条",
        S,
        "参展项目凡涉及技术秘密的，应当如何办理？",
        ["经保密主管部门呈主管领导批准后方可参展", "由参展人员自行把关", "只需告知市场部", "一律禁止参展"],
        [0],
        "第二十条规定须经批准后方可参展。",
    ),
    (
        "basics",
        TECH,
        "第二十二条",
        M,
        "职工离退休、辞职或调离前，必须交回哪些物品？",
        ["全部技术资料", "实验材料", "实验设备和产品", "个人生活用品"],
        [0, 1, 2],
        "第二十二条：交回全部技术资料、实验材料、实验设备和产品等。",
    ),
    (
        "outward",
        TECH,
        "第二十三条",
        F,
        "对外合资合作项目涉及技术秘密的，应签订____或在合同中增加保密条款。",
        [],
        ["保密协议"],
        "第二十三条。",
    ),
    (
        "sanctions",
        TECH,
        "第二十四条",
        TF,
        "对在技术保密工作中做出突出成绩的人员和部门给予奖励。",
        [],
        [0],
        "第二十四条。",
    ),
    (
        "sanctions",
        TECH,
        "第二十五条",
        M,
        "管理不善造成秘密泄漏的，可能产生哪些后果？",
        ["对直接责任者给予行政处理", "追究所属单位主要负责人的责任", "给予一定的经济处罚", "给予特别嘉奖"],
        [0, 1, 2],
        "第二十五条。",
    ),
    (
        "sanctions",
        TECH,
        "第二十七条",
        S,
        "技术保密管理人员明知故犯的，应当如何处理？",
        ["加重处罚", "免于处罚", "仅作口头批评", "调岗了事"],
        [0],
        "第二十七条：明知故犯者加重处罚。",
    ),
    (
        "rules",
        EDU,
        "第二条",
        TF,
        "接受保密宣传教育是全体干部职工特别是涉密人员必须履行的法律义务。",
        [],
        [0],
        "第三篇 第二条。",
    ),
    (
        "rules",
        EDU,
        "第四条",
        S,
        "保密宣传教育的重点对象是谁？",
        ["涉密人员和专兼职保密管理工作人员", "外来访客", "退休人员", "合作单位"],
        [0],
        "第三篇 第四条：重点是涉密人员和专兼职保密管理工作人员。",
    ),
    (
        "basics",
        EDU,
        "第五条",
        M,
        "保密宣传教育的主要内容包括哪些？",
        ["国家的保密法律、法规", "保密管理工作的基本知识", "保密范围、秘密确定、密级变更、解密知识", "产品营销技巧"],
        [0, 1, 2],
        "第三篇 第五条列举的教育内容。",
    ),
    (
        "rules",
        EDU,
        "第六条",
        M,
        "下列哪些属于开展保密宣传教育的形式？",
        ["开展保密知识答卷或竞赛", "举办和组织参观保密宣传教育展览", "举办保密知识讲座", "取消年度培训"],
        [0, 1, 2],
        "第三篇 第六条。",
    ),
    (
        "rules",
        EDU,
        "第六条",
        F,
        "非涉密人员进入涉密岗位____，应对其进行专门保密教育。",
        [],
        ["前", "之前"],
        "第三篇 第六条六、3：在非涉密人员进入涉密岗位前，对其进行专门保密教育。",
    ),
]
CLASSIFIED_QUESTIONS = [
    (
        "classified-post",
        TECH,
        "第七条",
        S,
        "涉密岗位人员借阅机密级图纸后，应当如何处理？",
        ["按借阅登记期限归还并核对", "自行复印留存", "带回家中继续研究", "转交同事保管"],
        [0],
        "第七条：严格查阅、借阅制度。",
    ),
    (
        "classified-post",
        TECH,
        "第十九条",
        TF,
        "涉密岗位人员参加学术会议时可以介绍未公开的核心参数。",
        [],
        [1],
        "第十九条。",
    ),
    (
        "classified-post",
        TECH,
        "第十六条",
        S,
        "涉密项目对外宣传前必须经过什么程序？",
        ["保密审查并签字认可", "部门例会通报", "项目组长口头同意", "无需程序"],
        [0],
        "第十六条。",
    ),
]


def _regulations():
    found = {}
    for key in (TECH, EDU):
        page = RegulationPage.objects.live().filter(title__contains=key).order_by("pk").first()
        if page is not None:
            found[key] = page
    return found


def _child(parent, model, title, **fields):
    page = model.objects.child_of(parent).filter(title=title).first()
    if page is not None:
        return page, False
    page = model(title=title, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _questions(regulations, categories, rows, *, clearance=Clearance.INTERNAL):
    made = 0
    for code, reg_key, article, kind, text, options, answer, explanation in rows:
        if Question.objects.filter(versions__text=text).exists():
            continue
        question = Question(
            category=categories[code],
            tags="年度培训" if clearance == Clearance.INTERNAL else "涉密岗位",
            clearance=clearance,
            secrecy_term="5年" if clearance else "",
            classification_basis="依据《技术保密管理规定》第七条定密" if clearance else "",
        )
        question_save(
            actor=None,
            question=question,
            kind=kind,
            text=text,
            options=options,
            answer=answer,
            explanation=explanation,
            source_regulation=regulations.get(reg_key),
            source_article=article if reg_key in regulations else "",
        )
        made += 1
    return made


def _lessons(course, regulations):
    tech, edu = regulations.get(TECH), regulations.get(EDU)
    lessons = [
        (
            "第一课 技术秘密与职工义务",
            "技术秘密是重要的无形资产，保护技术秘密是每位职工的义务。",
            [
                (tech, "第二条", "保护本单位的技术秘密是每位职工的义务和责任。"),
                (tech, "第七条", "必须注明保密和密级字样。"),
            ],
        ),
        (
            "第二课 对外交流与宣传的保密审查",
            "对外发表、参展、接待来访前须经审查批准。",
            [(tech, "第十六条", "其稿件必须经技术保密主管部门审查，在确认不会造成泄密后，签字认可方可发表。")],
        ),
        (
            "第三课 保密宣传教育制度",
            "保密宣传教育的对象、内容和形式。",
            [(edu, "第四条", "对象是全体干部职工，重点是涉密人员。"), (edu, "第六条", "开展保密知识答卷或竞赛互动。")],
        ),
    ]
    for number, (title, summary, quotes) in enumerate(lessons, start=1):
        body = [("paragraph", f"<p>{summary}</p>")]
        body += [
            ("policy_article", {"regulation": reg, "article": label, "quote": quote})
            for reg, label, quote in quotes
            if reg is not None
        ]
        _child(course, LessonPage, title, slug=f"lesson-{number}", summary=summary, body=body, minutes=15)


def _take(user, page, *, right):
    """A demo attempt: answers every question right (or every other one wrong)."""
    if Attempt.objects.filter(user=user, page=page).exists():
        return
    try:
        attempt = attempt_start(user=user, page=page, now=timezone.now() - datetime.timedelta(days=3))
    except QuizError:
        return
    attempt.deadline = timezone.now() + datetime.timedelta(minutes=30)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=attempt.deadline)
    for n, item in enumerate(attempt.items.select_related("question_version")):
        version = item.question_version
        wrong = not right and n % 2 == 0
        if version.kind == QuestionKind.FILL_IN:
            answer_save(attempt=attempt, question_version_id=version.pk, text="不知道" if wrong else version.answer[0])
        else:
            key = (
                version.answer
                if not wrong
                else [i for i in range(len(item.option_order)) if i not in version.answer][:1]
            )
            choice = [item.option_order.index(i) for i in key]
            answer_save(attempt=attempt, question_version_id=version.pk, choice=choice)
    attempt_grade(attempt_id=attempt.pk, user=user)


def _page_permissions(group, page):
    for permission_type in PAGE_PERMISSION_TYPES:
        if not GroupPagePermission.objects.filter(
            group=group, page=page, permission__codename__startswith=f"{permission_type}_"
        ).exists():
            GroupPagePermission.objects.create(group=group, page=page, permission_type=permission_type)


def _office_permissions(index):
    """保密办 runs training: the bank, rules, targets, the completion dashboard and every page of the training section.
    部门保密员 hold the same page permissions on the section, narrowed to their own department's campaigns
    (training.page_permissions), and see their own department's completion (O63)."""
    officers, _created = Group.objects.get_or_create(name=DEPARTMENT_OFFICER_GROUP)
    _page_permissions(officers, index)
    officers.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="training", codename="view_department_assignments"),
        *Permission.objects.filter(content_type__app_label="training", content_type__model="assignmentrule"),
    )
    group = Group.objects.filter(name=SECRECY_OFFICE_GROUP).first()
    if group is None:
        return
    _page_permissions(group, index)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="training",
            content_type__model__in=["question", "questioncategory", "assignmentrule", "studyhourstarget"],
        ),
        *Permission.objects.filter(
            content_type__app_label="training", codename__in=["view_assignment", "view_certificate"]
        ),
    )


def _department_campaign(index, departments, users, *, annual_campaign):
    """研发部's 部门保密员 and a campaign of theirs for 研发部 alone; a few views of the company campaign so its report
    (宣传活动统计) has figures."""
    username, code = DEMO_DEPARTMENT_OFFICER
    officer, department = users.get(username), departments.get(code)
    if officer is None or department is None:
        return
    officer.groups.add(Group.objects.get(name=DEPARTMENT_OFFICER_GROUP))
    year = timezone.localdate().year
    campaign = CampaignPage.objects.child_of(index).filter(title=f"{year}年研发部保密宣传周").first()
    if campaign is None:
        campaign = CampaignPage(
            title=f"{year}年研发部保密宣传周",
            slug=f"rd-week-{year}",
            owner=officer,
            starts_on=timezone.localdate() + datetime.timedelta(days=5),
            ends_on=timezone.localdate() + datetime.timedelta(days=12),
            intro="<p>研发部部门保密员组织：技术资料对外提供与论文发表前的保密审查要点。</p>",
        )
        campaign.scope = [department.group]
        index.add_child(instance=campaign)
        campaign.save_revision(user=officer).publish(user=officer)
    for name in ("officer", "engineer", "pm", "producer"):
        if name in users:
            campaign_view_record(campaign_id=annual_campaign.pk, user_id=users[name].pk)


def load_training(*, home, departments, users, stdout):
    regulations = _regulations()
    categories = {
        code: QuestionCategory.objects.get_or_create(code=code, defaults={"name": name, "content_area": area})[0]
        for name, code, area in CATEGORIES
    }
    for _name, code, area in CATEGORIES:
        QuestionCategory.objects.filter(code=code, content_area="").update(content_area=area)
    made = _questions(regulations, categories, QUESTIONS)
    made += _questions(regulations, categories, CLASSIFIED_QUESTIONS, clearance=Clearance.CONFIDENTIAL)
    index, _ = _child(
        home,
        TrainingIndexPage,
        "保密培训",
        slug="peixun",
        show_in_menus=True,
        intro="<p>年度全员保密培训、新进岗位培训、涉密岗位专门教育与保密知识竞赛。</p>",
    )
    year = timezone.localdate().year
    annual, created = _child(
        index,
        CoursePage,
        f"{year}年度全员保密培训",
        slug=f"annual-{year}",
        kind=CourseKind.ANNUAL,
        content_area=ContentArea.RULES,
        study_hours=2,
        quiz_question_count=10,
        quiz_time_limit_minutes=30,
        quiz_attempt_limit=3,
        quiz_pass_mark=80,
        intro="<p>依据《保密宣传教育制度》第四条、第六条，全体职工每年参加保密培训并通过测验。</p>",
    )
    if created or not annual.quiz_categories.exists():
        annual.quiz_categories = [c for code, c in categories.items() if code != "classified-post"]
        annual.save_revision().publish()
    _lessons(annual, regulations)
    secret, created = _child(
        index,
        CoursePage,
        "涉密岗位专门保密教育",
        kind=CourseKind.PRE_POST,
        content_area=ContentArea.TECHNICAL,
        study_hours=4,
        clearance=Clearance.CONFIDENTIAL,
        secrecy_term="5年",
        classification_basis="依据《技术保密管理规定》第七条定密",
        classifier=users.get("officer"),
        quiz_question_count=3,
        quiz_pass_mark=60,
    )
    if created or not secret.quiz_categories.exists():
        secret.quiz_categories = [categories["classified-post"]]
        secret.save_revision().publish()
    _child(
        secret,
        LessonPage,
        "涉密载体与对外交流",
        slug="lesson-1",
        summary="涉密岗位人员的借阅、交流与宣传审查要求。",
        minutes=30,
    )

    topics, created = _child(
        index,
        CoursePage,
        "保密形势与专题教育",
        slug="topics",
        kind=CourseKind.GENERAL,
        content_area=ContentArea.POLICY,
        study_hours=2,
        quiz_question_count=5,
        intro="<p>依据《保密宣传教育制度》第五条：方针政策、网络安全、保密形势、典型案例与上级部署的专题。</p>",
    )
    if created or not topics.quiz_categories.exists():
        topics.quiz_categories = [categories["sanctions"], categories["basics"]]
        topics.save_revision().publish()
    for number, (title, area, summary) in enumerate(TOPIC_LESSONS, start=1):
        _child(topics, LessonPage, title, slug=f"topic-{number}", summary=summary, content_area=area, minutes=20)
    drill, created = _child(
        index,
        CoursePage,
        "泄密事件应急演练",
        slug="drill",
        kind=CourseKind.DRILL,
        content_area=ContentArea.CASES,
        study_hours=1,
        quiz_question_count=3,
        intro="<p>模拟常见的保密事故和突发事件，按应急预案处置（情景题）。</p>",
    )
    if created or not drill.quiz_categories.exists():
        drill.quiz_categories = [categories["sanctions"]]
        drill.save_revision().publish()

    rules = [
        ("年度全员保密培训", annual, RuleKind.ANNUAL, 0),
        ("新进岗位保密培训", annual, RuleKind.NEW_HIRE, 30),
        ("进入涉密岗位前专门教育", secret, RuleKind.CLASSIFIED_POST, 1),
    ]
    for name, course, kind, days in rules:
        AssignmentRule.objects.get_or_create(name=name, defaults={"course": course, "kind": kind, "days": days})
    for category, hours in [
        (PostCategory.CORE, 16),
        (PostCategory.IMPORTANT, 12),
        (PostCategory.GENERAL, 8),
        (PostCategory.NONE, 2),
    ]:
        StudyHoursTarget.objects.get_or_create(post_category=category, defaults={"hours": hours})

    campaign, _ = _child(
        index,
        CampaignPage,
        f"{year}年保密宣传月",
        slug=f"campaign-{year}",
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 12, 31),
        intro="<p>依据《保密宣传教育制度》第六条：利用多种媒体开展保密宣传教育，开展保密知识答卷或竞赛。</p>",
    )
    from home.models import ArticlePage

    _child(
        campaign, ArticlePage, "保密宣传月启动：守护技术秘密，人人有责", summary="宣传月期间举办知识竞赛与专题讲座。"
    )
    now = timezone.now()
    contest, created = _child(
        campaign,
        ContestPage,
        "保密知识竞赛",
        slug="contest",
        opens_at=now - datetime.timedelta(days=7),
        closes_at=now + datetime.timedelta(days=14),
        quiz_question_count=10,
        quiz_attempt_limit=1,
        intro="<p>每人限答一次，竞赛结束后公布成绩与部门排行。</p>",
    )
    if created or not contest.quiz_categories.exists():
        contest.quiz_categories = [c for code, c in categories.items() if code != "classified-post"]
        contest.save_revision().publish()

    _office_permissions(index)
    _department_campaign(index, departments, users, annual_campaign=campaign)
    if "pm" in users:
        # 赵峰 moves into a 核心 post in two weeks: the pre-post rule assigns the 机密 course, due before the start.
        SecurityProfile.objects.filter(user=users["pm"]).update(
            post_category=PostCategory.CORE, post_changed_on=timezone.localdate() + datetime.timedelta(days=14)
        )
    assignments_evaluate()
    # A little history: two passes, one failed attempt, one overdue new hire.
    for username, right in (("officer", True), ("engineer", True), ("producer", False)):
        if username in users:
            _take(users[username], annual, right=right)
    for username in ("officer", "engineer", "pm"):
        if username in users:
            _take(users[username], contest, right=username != "pm")
    if "staff" in users:
        Assignment.objects.filter(user=users["staff"], key__startswith="hire:").update(
            due_on=timezone.localdate() - datetime.timedelta(days=2)
        )
    summary_rebuild()  # the due date above was backdated in place, past the services
    stdout.write(f"保密培训: {made} questions added, {Assignment.objects.count()} assignments.")
