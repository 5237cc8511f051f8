"""Engine refusals reach users as translated sentences chosen by reason code, never English."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

import engine
from engine import errors, runtime
from engine.errors import Conflict, NotFound
from webapp.i18n import TRANSLATIONS, compile_catalogs
from webapp.messages import REASONS, reason_text

ENGINE = Path(engine.__file__).resolve().parent
SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
CJK = re.compile(r"[\u4e00-\u9fff]")


def refusal_classes() -> set[str]:
    found, todo = set(), [errors.Refusal]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def raise_sites() -> Iterator[tuple[str, str, ast.Call]]:
    """(file:line, class name, call) for every NotFound, Forbidden or Conflict made in engine/."""
    names = refusal_classes()
    for path in sorted(ENGINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in names:
                yield f"{path.relative_to(ENGINE.parent)}:{node.lineno}", name, node


def literal_code(call: ast.Call) -> str | None:
    code = next((k.value for k in call.keywords if k.arg == "code"), None)
    return code.value if isinstance(code, ast.Constant) and isinstance(code.value, str) else None


@pytest.fixture(scope="module")
def translate():
    """translate(lazy_text, locale) → the text as a page in that language shows it."""
    compile_catalogs()
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(TRANSLATIONS))

    def render(text, locale: str) -> str:
        with app.test_request_context(), force_locale(locale):
            return str(text)

    return render


def test_every_raise_site_names_a_code_that_users_can_read_in_chinese(translate):
    sites = list(raise_sites())
    codes = {literal_code(call) for _where, _name, call in sites}
    assert {"no_such_task", "already_finished", "not_a_candidate"} <= codes, "the walk found them"
    problems, kinds = [], {}
    for where, name, call in sites:
        code = literal_code(call)
        if code is None or not SNAKE.fullmatch(code):
            problems.append(f"{where}: {name}(...) needs code=\"a_snake_case_literal\"")
            continue
        kinds.setdefault(code, set()).add(name)
        if code not in REASONS:
            problems.append(f"{where}: {code!r} has no message in webapp.messages.REASONS")
            continue
        english, chinese = translate(REASONS[code], "en"), translate(REASONS[code], "zh_CN")
        if chinese == english or not CJK.search(chinese):
            problems.append(f"{where}: {english!r} has no Chinese in the zh catalogue")
    problems += [f"{code!r} is raised as {sorted(names)}: one code, one class"
                 for code, names in kinds.items() if len(names) > 1]
    assert problems == []


def test_every_message_in_the_table_has_a_raise_site():
    raised = {literal_code(call) for _where, _name, call in raise_sites()}
    assert sorted(REASONS.keys() - raised) == []


def test_an_unknown_code_reads_as_its_class_in_chinese(translate):
    conflict = Conflict("the moon is in the way", code="moon_in_the_way")
    missing = NotFound("no moon 7", code="no_such_moon")
    assert translate(reason_text(conflict), "zh_CN") == "案件已被他人修改，请刷新页面后重试。"
    assert translate(reason_text(missing), "zh_CN") == "该事项不存在，或不在您的工作范围内。"


def text(response) -> str:
    return response.get_data(as_text=True)


def in_chinese(login, username: str):
    client = login(username)
    client.post("/auth/language", {"locale": "zh_CN"})
    return client


def test_completing_a_finished_task_says_so_in_chinese(login, case):
    officer = in_chinese(login, "chen")
    answer = {"decision": "approve", "opinion": "同意"}
    assert officer.post(f"/tasks/{case.id}/complete", answer).status_code == 302
    again = officer.post(f"/tasks/{case.id}/complete", answer)
    assert again.status_code == 409
    assert "该任务已办结。" in text(again) and "already finished" not in text(again)


def test_claiming_a_task_someone_holds_names_the_holder_in_chinese(login, case):
    assert in_chinese(login, "chen").post(f"/tasks/{case.id}/claim").status_code == 302
    lost = in_chinese(login, "yang").post(f"/tasks/{case.id}/claim")
    assert lost.status_code == 409
    assert "该任务刚刚已被 chen 认领。" in text(lost) and "claimed by" not in text(lost)


def test_the_same_refusal_reads_in_english_for_an_english_user(login, case):
    assert login("chen").post(f"/tasks/{case.id}/claim").status_code == 302
    officer = login("yang")
    officer.post("/auth/language", {"locale": "en"})
    lost = officer.post(f"/tasks/{case.id}/claim")
    assert lost.status_code == 409 and "This task was just claimed by chen." in text(lost)


def test_a_code_the_web_does_not_know_still_reads_in_chinese(login, case, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise Conflict("the moon is in the way", code="moon_in_the_way")

    monkeypatch.setattr(runtime, "claim", refuse)
    response = in_chinese(login, "chen").post(f"/tasks/{case.id}/claim")
    assert response.status_code == 409
    assert "案件已被他人修改" in text(response) and "moon" not in text(response)


def test_api_errors_carry_the_reason_code(login, case):
    officer = login("chen")
    answer = {"data": {"decision": "approve", "opinion": "同意"}}
    assert officer.post_json(f"/api/v1/tasks/{case.id}/complete", answer).status_code == 200
    again = officer.post_json(f"/api/v1/tasks/{case.id}/complete", answer)
    assert again.status_code == 409
    assert again.get_json() == {"error": "conflict", "code": "already_finished",
                                "message": "该任务已办结。"}


def test_a_task_out_of_scope_reads_exactly_like_one_that_does_not_exist(login, case):
    outsider = login("liu")
    hidden = outsider.get(f"/api/v1/tasks/{case.id}")
    missing = outsider.get("/api/v1/tasks/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert hidden.get_json()["code"] == "no_such_task"
