"""WTForms built from form definitions: every field type, its checks and its messages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from engine.errors import InvalidInput
from engine.runtime.forms import FORMS_DIR, Choice, FormDefinition, FormField, load_form, validate
from webapp.forms import submitted_values, task_form_class

DEFINITION = FormDefinition("everything", "全部", "Everything", (
    FormField("name", "text", "名称", "Name", required=True, max_length=10),
    FormField("amount", "money", "金额", "Amount", min_value=Decimal("0"),
              max_value=Decimal("10000")),
    FormField("count", "number", "数量", "Count"),
    FormField("day", "date", "日期", "Day", required=True),
    FormField("kind", "select", "类别", "Kind", required=True,
              choices=(Choice("a", "甲", "A"), Choice("b", "乙", "B"))),
    FormField("tags", "multiselect", "标签", "Tags",
              choices=(Choice("x", "X", "X"), Choice("y", "Y", "Y"))),
    FormField("code", "uscc", "信用代码", "USCC"),
    FormField("note", "textarea", "说明", "Note", min_length=2),
))


def make(app, data, locale="zh_CN"):
    with app.test_request_context(method="POST", data=data):
        form_class = task_form_class(DEFINITION, locale)
        form = form_class(MultiDict(data), meta={"csrf": False})
        valid = form.validate()
        return form, valid, {f.name: [str(e) for e in f.errors] for f in form}


def test_labels_follow_the_language(app):
    with app.test_request_context():
        zh = task_form_class(DEFINITION, "zh_CN")(meta={"csrf": False})
        en = task_form_class(DEFINITION, "en")(meta={"csrf": False})
        assert zh.name.label.text == "名称" and en.name.label.text == "Name"
        assert [c[1] for c in zh.kind.choices][1:] == ["甲", "乙"]


def test_every_error_at_once_in_chinese(app):
    _form, valid, errors = make(app, {"name": "   ", "amount": "12x", "day": "2026-13-01",
                                      "kind": "c", "tags": ["z"], "code": "123",
                                      "note": "短", "count": "1e999999"})
    assert not valid
    assert errors["name"] == ["此项为必填项。"]
    assert errors["amount"] == ["请填写数字。"]
    assert errors["day"] == ["请按 YYYY-MM-DD 格式填写日期。"]
    assert errors["kind"] == ["请从选项中选择。"]
    assert errors["tags"] == ["请从选项中选择。"]
    assert errors["code"] == ["统一社会信用代码无效。"]
    assert errors["note"] == ["至少填写 2 个字。"]


def test_limits(app):
    _form, _valid, errors = make(app, {"name": "一二三四五六七八九十十", "amount": "20000",
                                       "day": "2026-03-01", "kind": "a"})
    assert errors["name"] == ["最多填写 10 个字。"] and errors["amount"] == ["不能大于 10000。"]


def test_valid_values_pass_the_engines_own_check(app):
    form, valid, errors = make(app, {"name": " 保山 ", "amount": "1,200.50", "day": "2026-03-01",
                                     "kind": "b", "tags": ["x", "y"],
                                     "code": "91530502MA6K0000XB", "note": "可以"})
    assert valid, errors
    with app.test_request_context():
        clean = validate(DEFINITION, submitted_values(form, DEFINITION))
    assert clean["name"] == "保山" and clean["amount"] == "1200.50"
    assert clean["tags"] == ["x", "y"] and clean["day"] == "2026-03-01"


SHIPPED = sorted(p.stem for p in FORMS_DIR.glob("*.toml"))


@pytest.mark.parametrize("key", SHIPPED)
def test_every_shipped_form_builds(app, key):
    with app.test_request_context():
        form = task_form_class(load_form(key), "zh_CN")(meta={"csrf": False})
        assert [f.name for f in form] == [f.name for f in load_form(key).fields]


# --- conditional fields (show_if) ----------------------------------------------------------

RECEIVE = load_form("dual_notice_receive")


def receive(app, data, locale="zh_CN"):
    with app.test_request_context(method="POST", data=data):
        form = task_form_class(RECEIVE, locale)(MultiDict(data), meta={"csrf": False})
        valid = form.validate()
        errors = {f.name: [str(e) for e in f.errors] for f in form if f.errors}
        return form, valid, errors, submitted_values(form, RECEIVE)


def test_a_conditional_field_is_asked_only_when_its_condition_holds(app):
    _form, valid, errors, values = receive(app, {"decision": "claim", "return_reason": "1",
                                                 "return_note": "x"})
    assert valid and errors == {} and values == {"decision": "claim"}, "nothing else kept"
    _form, valid, errors, _values = receive(app, {"decision": "return"})
    assert not valid and set(errors) == {"return_reason", "return_note"}
    _form, valid, errors, values = receive(app, {"decision": "return", "return_reason": "2",
                                                 "return_note": "住所不在本辖区"})
    assert valid and values["return_reason"] == "2"


def test_the_engine_applies_the_same_condition():
    assert validate(RECEIVE, {"decision": "claim", "return_note": "x"}) == {"decision": "claim"}
    with pytest.raises(InvalidInput) as caught:
        validate(RECEIVE, {"decision": "return"})
    assert caught.value.details["fields"] == {"return_reason": "required",
                                              "return_note": "required"}


def test_a_conditional_field_carries_its_condition_and_says_it_without_javascript(app):
    form, *_rest = receive(app, {})
    html = str(form.return_note())
    assert 'data-show-if-field="decision"' in html and "data-show-if-values" in html
    escalation = load_form("sample_escalation")
    with app.test_request_context():
        zh = task_form_class(escalation, "zh_CN")(meta={"csrf": False})
        en = task_form_class(escalation, "en")(meta={"csrf": False})
        assert zh.deadline.description == "仅当“督办措施”为“催办或改派”时填写。"
        assert en.deadline.description == "Only when Measure is Urge the department or Reassign."


@pytest.mark.parametrize("condition, problem", [
    ('{ field = "later", equals = "a" }', "no earlier select field"),
    ('{ field = "kind", equals = "zzz" }', "does not offer"),
    ('{ field = "kind" }', "needs equals or in"),
])
def test_a_bad_condition_is_refused_when_the_form_loads(tmp_path, condition, problem):
    (tmp_path / "conditional.toml").write_text(f"""
[[fields]]
name = "kind"
type = "select"
choices = [{{ value = "a", zh = "甲", en = "A" }}]

[[fields]]
name = "note"
type = "text"
show_if = {condition}

[[fields]]
name = "later"
type = "select"
choices = [{{ value = "a", zh = "甲", en = "A" }}]
""", encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_form.__wrapped__("conditional", tmp_path)
