import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from plone_import.mapping import load_mapping
from plone_import.services import PloneImport

SAMPLE = Path(__file__).resolve().parents[2] / "plone_import" / "sample"


def sample_json(name):
    return json.loads((SAMPLE / name).read_text(encoding="utf-8"))


@pytest.fixture
def run_import(home):
    """run_import(directory=SAMPLE, mapping=None, dry_run=False) → ImportResult."""

    def run(directory=SAMPLE, mapping=None, dry_run=False):
        return PloneImport(directory=directory, mapping=mapping or load_mapping(), dry_run=dry_run).execute()

    return run


@pytest.fixture
def imported(run_import):
    result = run_import()
    assert not result.errors, [str(p) for p in result.errors]
    return result


EXPORT_FILES = (
    "content.json",
    "members.json",
    "localroles.json",
    "ordering.json",
    "relations.json",
    "defaultpages.json",
    "redirects.json",
)


@pytest.fixture
def variant(tmp_path):
    """variant(mutate) → a copy of the sample whose parsed files `mutate(data)` changed (data: file name → JSON)."""
    counter = iter(range(1000))

    def make(mutate=None):
        target = tmp_path / f"export-{next(counter)}"
        shutil.copytree(SAMPLE, target)
        if mutate is not None:
            data = {name: json.loads((target / name).read_text(encoding="utf-8")) for name in EXPORT_FILES}
            mutate(data)
            for name, value in data.items():
                if value is None:
                    (target / name).unlink()
                else:
                    (target / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        return target

    return make


def item_at(data, path):
    url = "https://intranet.yjy.example.org" + path
    return next(item for item in data["content.json"] if item["@id"] == url)


@pytest.fixture
def plone_users(db):
    """The imported accounts, activated as the secrecy office would after the reset (the import leaves them off)."""

    def activate():
        users = {}
        for user in get_user_model().objects.filter(username__in=["zhangwei", "lina", "wangfang", "chenjie"]):
            user.is_active = True
            user.save(update_fields=["is_active"])
            users[user.username] = user
        return users

    return activate
