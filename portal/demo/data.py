"""Demo people and pages: every clearance and role, two users of equal clearance in different departments,
and a small tree with items at every level, some with a 知悉范围."""

from portal.enums import Clearance, PostCategory

DEPARTMENTS = [
    ("研发部", "rd"),
    ("市场部", "market"),
    ("生产部", "production"),
    ("保密办", "secrecy-office"),
    ("总经办", "gm-office"),
]

# username, full name, role, clearance, department code, post category, employee no, flags
USERS = [
    ("staff", "张敏", "普通员工", Clearance.INTERNAL, "market", PostCategory.NONE, "E1001", {}),
    ("engineer", "李工", "研发工程师", Clearance.SECRET, "rd", PostCategory.GENERAL, "E2001", {}),
    ("producer", "王强", "生产工程师", Clearance.SECRET, "production", PostCategory.GENERAL, "E3001", {}),
    ("pm", "赵峰", "项目负责人", Clearance.CONFIDENTIAL, "rd", PostCategory.IMPORTANT, "E2002", {}),
    (
        "officer",
        "钱静",
        "保密办工作人员",
        Clearance.CONFIDENTIAL,
        "secrecy-office",
        PostCategory.IMPORTANT,
        "E4001",
        {"secrecy_office": True},
    ),
    ("leader", "孙总", "主管领导", Clearance.TOP_SECRET, "gm-office", PostCategory.CORE, "E5001", {}),
    (
        "editor",
        "周文",
        "制度编辑",
        Clearance.INTERNAL,
        "secrecy-office",
        PostCategory.NONE,
        "E4002",
        {"policy_editor": True},
    ),
    (
        "admin",
        "系统管理员",
        "系统管理员",
        Clearance.INTERNAL,
        "secrecy-office",
        PostCategory.NONE,
        "E9001",
        {"superuser": True},
    ),
]

SECRECY_OFFICE_GROUP = "保密办管理员"

# Department heads receive escalations (O07). Hire dates: 张敏 is a new hire, the rest joined earlier.
DEPARTMENT_HEADS = {
    "rd": "pm",
    "market": "leader",
    "production": "producer",
    "secrecy-office": "officer",
    "gm-office": "leader",
}
HIRE_DATES = {
    "staff": -10,
    "engineer": -900,
    "producer": -700,
    "pm": -2000,
    "officer": -1500,
    "leader": -3000,
    "editor": -400,
}

# The regulations in policies/seeds, imported with policies.parsing. (seed file, title for a text without one,
# acknowledgement settings): the company's own rules and the 深圳条例 go to all staff; the national 科学技术保密规定
# to the 涉密岗位; the 领导干部 duties to the 总经办; the rest are published for reference only.
REGULATION_SEEDS = [
    ("000_c710a75e6e0e3d3a.txt", "技术保密管理规定", {"ack_required": True, "audience_all_staff": True}),
    ("003_d02bb220a7ceb05b.txt", None, {"ack_required": True, "audience_all_staff": True}),
    (
        "004_9156094d470b6f12.txt",
        "科学技术保密规定",
        {
            "ack_required": True,
            "audience_all_staff": False,
            "audience_post_categories": [PostCategory.CORE, PostCategory.IMPORTANT, PostCategory.GENERAL],
        },
    ),
    ("001_650b5fa296b69704.txt", None, {"ack_required": False}),
    ("002_fdf79208c229b880.txt", None, {"ack_required": False}),
]
# Sub-documents that do ask for acknowledgement, by a word of their title, and from whom (department codes).
REGULATION_ACK_BY_TITLE = {"领导干部": ["gm-office"]}
# One demo history: 王强 has let his 技术保密管理规定 acknowledgement run this many days overdue; 钱静 has signed.
DEMO_OVERDUE = ("producer", "技术保密管理规定", 10)
DEMO_SIGNED = ("officer", "技术保密管理规定")

# Each page: (key, parent key, type, title, clearance, term, scope department codes, extra)
PAGES = [
    ("notices", "home", "section", "通知公告", Clearance.INTERNAL, "", [], {"menu": True}),
    (
        "notice-training",
        "notices",
        "article",
        "关于开展2026年度保密培训的通知",
        Clearance.INTERNAL,
        "",
        [],
        {"summary": "全体员工须于12月31日前完成年度保密培训及测验。", "document": "training-plan"},
    ),
    (
        "notice-duty",
        "notices",
        "article",
        "保密办值班安排",
        Clearance.INTERNAL,
        "",
        [],
        {"summary": "保密办工作日 9:00–18:00 受理保密审查与咨询。"},
    ),
    ("rd", "home", "section", "研发中心", Clearance.INTERNAL, "", [], {"menu": True}),
    (
        "rd-priorities",
        "rd",
        "article",
        "研发中心保密工作要点",
        Clearance.SECRET,
        "3年",
        [],
        {"summary": "研发资料按密级管理，涉密载体登记借阅。"},
    ),
    (
        "rd-xinghe-plan",
        "rd",
        "article",
        "星河项目技术方案",
        Clearance.CONFIDENTIAL,
        "5年",
        ["rd"],
        {"summary": "星河项目总体技术路线与里程碑。", "document": "xinghe-spec", "image": "xinghe-diagram"},
    ),
    (
        "rd-xinghe-core",
        "rd",
        "article",
        "星河项目核心参数",
        Clearance.TOP_SECRET,
        "长期",
        ["rd", "gm-office"],
        {"summary": "核心工艺参数与配方。"},
    ),
    ("market", "home", "section", "市场资料", Clearance.INTERNAL, "", [], {"menu": True}),
    (
        "market-expo",
        "market",
        "article",
        "2027年展会参展计划",
        Clearance.SECRET,
        "1年",
        ["market", "gm-office"],
        {"summary": "参展项目、展品清单与保密审查安排。"},
    ),
    ("production", "home", "section", "生产管理", Clearance.SECRET, "3年", ["production", "gm-office"], {"menu": True}),
    (
        "production-line",
        "production",
        "article",
        "新产线工艺参数",
        Clearance.INTERNAL,
        "",
        [],
        {"summary": "本页自身标为内部，但位于秘密栏目之下，按秘密管理。"},
    ),
]

DOCUMENTS = {
    "training-plan": (
        "2026年度保密培训计划",
        "training-plan.txt",
        Clearance.INTERNAL,
        "",
        [],
        "2026年度保密培训计划：新员工入职培训、涉密岗位专门教育、全员年度测验。",
    ),
    "xinghe-spec": (
        "星河项目技术规格书",
        "spec.txt",
        Clearance.CONFIDENTIAL,
        "5年",
        ["rd"],
        "星河项目技术规格书（机密）。",
    ),
}

IMAGES = {
    "xinghe-diagram": ("星河项目系统框图", Clearance.CONFIDENTIAL, "5年", ["rd"]),
}
