"""Demo 保密制度: the five seed texts imported as structured regulations, the publication workflow, and a little
acknowledgement history so the dashboard has something to show."""

import datetime
from pathlib import Path

from django.utils import timezone

from policies.models import Acknowledgement, PolicyIndexPage
from policies.parsing import parse_regulations
from policies.services.acks import ack_fanout, acknowledge
from policies.services.importing import regulation_import, titles_disambiguated
from policies.services.versions import version_basis
from policies.services.workflow import policy_workflow_ensure
from portal.demo import data

SEEDS_DIR = Path(__file__).resolve().parents[2] / "policies" / "seeds"


def policy_index_ensure(home):
    index = PolicyIndexPage.objects.child_of(home).first()
    if index is None:
        index = PolicyIndexPage(
            title="保密制度",
            slug="zhidu",
            show_in_menus=True,
            intro="<p>依《深圳经济特区企业技术秘密保护条例》第十一条，公司保密制度在企业内部公开。请阅读并签收适用于您的制度。</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def load_policies(*, home, departments, users, office_group, stdout):
    index = policy_index_ensure(home)
    _, editors = policy_workflow_ensure(index=index, approvers=office_group)
    for username, *_rest, flags in data.USERS:
        if flags.get("policy_editor"):
            users[username].groups.add(editors)
    problems = 0
    regulations = []
    for filename, title, options in data.REGULATION_SEEDS:
        result = parse_regulations((SEEDS_DIR / filename).read_text(encoding="utf-8"), title=title)
        problems += len(result.problems)
        titles_disambiguated(result.regulations)
        for parsed in result.regulations:
            extra = dict(options)
            for word, codes in data.REGULATION_ACK_BY_TITLE.items():
                if word in parsed.title:
                    extra.update(ack_required=True, audience_all_staff=False)
                    extra["audience_departments"] = [departments[code] for code in codes]
            page, _created = regulation_import(parent=index, parsed=parsed, change_note="首次发布", **extra)
            regulations.append(page)
    for page in regulations:
        basis = version_basis(page)
        if basis is not None:
            ack_fanout(version_id=basis.pk)  # now, so the history below can be written in the same run
    _history(users)
    stdout.write(f"保密制度: {len(regulations)} regulations imported ({problems} lines reported by the parser).")
    return index


def _history(users):
    username, title, days = data.DEMO_OVERDUE
    Acknowledgement.objects.open().filter(user=users[username], version__title=title).update(
        due_on=timezone.localdate() - datetime.timedelta(days=days)
    )
    username, title = data.DEMO_SIGNED
    row = Acknowledgement.objects.open().filter(user=users[username], version__title=title).first()
    if row is not None:
        acknowledge(
            user=users[username],
            regulation=row.version.regulation,
            version_number=row.version.regulation.versions.order_by("-number").first().number,
            confirmed=True,
            ip_address="10.0.0.8",
        )
