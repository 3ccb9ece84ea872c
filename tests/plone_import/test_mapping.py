"""The mapping file: defaults that never widen, overrides checked before anything is read."""

import json

import pytest

from plone_import.mapping import MappingError, load_mapping


def write(tmp_path, value, name="mapping.json"):
    path = tmp_path / name
    path.write_text(json.dumps(value) if not isinstance(value, str) else value, encoding="utf-8")
    return path


def test_defaults():
    mapping = load_mapping()
    assert mapping.kind_for("Document") == "document"
    assert mapping.kind_for("Whatever") is None
    assert mapping.roles_for("intranet_workflow", "pending") == ["Authenticated"]
    assert "Reviewer" in mapping.roles_for("simple_publication_workflow", "pending")
    assert mapping.roles_for("any", "private")[0] == "Owner"
    assert mapping.roles_for("any", "no-such-state") is None  # the import treats it as private
    assert mapping.activate_users is False


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"colour": "red"}, "映射文件中有未知键"),
        ({"types": {"Folder": "cupboard"}}, "未知类别"),
        ({"users": {"clearance": 7}}, "未知密级"),
        ({"rules": [{"path": "/a", "clearance": 2}]}, "秘密及以上须填写 secrecy_term 和 classification_basis"),
        ({"rules": [{"path": "/a", "open_to": "all"}]}, "未知键"),
        ("{not json", "无法读取映射文件"),
    ],
)
def test_bad_mapping_files_are_refused(tmp_path, value, message):
    with pytest.raises(MappingError, match=message):
        load_mapping(write(tmp_path, value))


def test_toml_mapping(tmp_path):
    mapping = load_mapping(
        write(
            tmp_path,
            '[types]\nCollection = "skip"\n[users]\nactivate = true\n[users.clearances]\nlina = 2\n',
            "m.toml",
        )
    )
    assert mapping.kind_for("Collection") == "skip"
    assert mapping.activate_users and mapping.user_clearances == {"lina": 2}
