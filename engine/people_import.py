"""People from a workbook: an administrator uploads a sheet of accounts (CSV or XLSX), sees
every row checked as the people page would check it, then creates the valid ones at once.
Each new account gets a one-time password, handed back once in a workbook and never kept.

The upload is a row of the registry's upload table (kind "people") and uses its stored
file; files are small (an organisation's people), so checking and creating run in the
request.
"""

from __future__ import annotations

import io
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, BinaryIO

from openpyxl import Workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit, clock, registry
from engine.db import rowcount, settings_of
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import OrgUnit, RegistryUpload, Role, User
from engine.org import people as accounts
from engine.org.accounts import EMAIL

KIND = "people"
MAX_ROWS = 2_000
HEADERS = registry.Headers({
    "username": ("用户名", "账号", "username"),
    "display_name": ("姓名", "name", "display_name"),
    "unit": ("单位代码", "unit", "unit_code"),
    "roles": ("角色", "roles"),
    "email": ("电子邮箱", "邮箱", "email"),
    "certificate_no": ("执法证号", "certificate_no"),
    "certificate_expires": ("执法证有效期至", "certificate_expires"),
}, ("username", "display_name", "unit", "roles"))
TEMPLATE_HEADERS = ["用户名", "姓名", "单位代码", "角色", "电子邮箱", "执法证号", "执法证有效期至"]
# A role as a sheet may name it: its code, or its Chinese name.
ROLE_WORDS = {**{r.value: r for r in Role}, "执法人员": Role.OFFICER, "办事人员": Role.OFFICER,
              "部门管理员": Role.DEPT_ADMIN, "督办人员": Role.SUPERVISOR,
              "系统管理员": Role.SYSADMIN, "审计人员": Role.AUDITOR}
_SEPARATORS = str.maketrans({"，": ",", "、": ",", ";": ",", "；": ",", " ": ","})


@dataclass(frozen=True)
class Planned:
    """A valid row: the account it makes."""

    row: int
    username: str
    person: accounts.Person
    email: str | None


@dataclass
class Checked:
    planned: list[Planned]
    problems: list[registry.RowProblem]
    rows_read: int


def store_people_file(session: Session, actor: audit.Actor, filename: str, stream: BinaryIO
                      ) -> RegistryUpload:
    """Keep a sheet of people and check it at once (the row report is on the upload)."""
    admin, _roots = accounts.manageable(session, actor)
    if admin is None:
        raise Forbidden("a sheet of people is uploaded by a signed-in administrator",
                        code="not_a_people_admin")
    upload = registry.keep_file(session, actor, admin, filename, stream, KIND)
    path = registry.upload_path(session, upload.stored_name)
    with path.open("rb") as file:
        try:
            checked = check_people(session, actor, file)
        except InvalidInput as exc:
            path.unlink(missing_ok=True)
            _finish(upload, registry.FAILED, error=exc.message)
            return upload
    _finish(upload, registry.CHECKED, rows_read=checked.rows_read,
            rows_valid=len(checked.planned), rows_invalid=len({p.row for p in checked.problems}),
            problems=[[p.row, p.column, p.reason] for p in checked.problems],
            result={"planned": [_summary(p) for p in checked.planned]})
    if not checked.planned:
        path.unlink(missing_ok=True)
    return upload


def check_people(session: Session, actor: audit.Actor, stream: IO[bytes]) -> Checked:
    """Every row as the people page checks an account (user name free and well formed, a
    unit the administrator manages, roles theirs to give, a certificate number with its
    expiry), and no user name twice in the file; InvalidInput for an unreadable file."""
    settings = settings_of(session)
    limits = registry.WorkbookLimits(settings.registry_xlsx_max_unpacked_bytes,
                                     settings.registry_xlsx_max_ratio)
    units = {u.code: u for u in session.execute(select(OrgUnit)).scalars()}
    taken = set(session.execute(select(User.username)).scalars())
    out = Checked([], [], 0)
    seen: dict[str, int] = {}
    with closing(registry.open_table(stream, limits, HEADERS)) as table:
        for number, cells in table.rows():
            out.rows_read += 1
            if out.rows_read > MAX_ROWS:
                raise InvalidInput(f"more than {MAX_ROWS} rows: split the file")
            values = {name: _cell(cells, indexes) for name, indexes in table.columns.items()}
            problems = _row_problems(session, actor, values, units, taken, seen, number)
            if problems:
                out.problems.extend(registry.RowProblem(number, table.headers[
                    table.columns[name][0]] if name in table.columns else name, reason)
                    for name, reason in problems.items())
                continue
            seen[values["username"].lower()] = number
            out.planned.append(_planned(number, values, units))
    return out


def create_people(session: Session, actor: audit.Actor, upload_id: int
                  ) -> tuple[RegistryUpload, list[tuple[User, str]]]:
    """Create the checked sheet's valid accounts (once: a second time is a conflict), each
    with a one-time password returned here and nowhere else. When the sheet no longer checks
    as the administrator read it (a user name taken meanwhile), nothing is created."""
    upload = people_file(session, actor, upload_id)
    moved = session.execute(update(RegistryUpload).where(
        RegistryUpload.id == upload.id, RegistryUpload.state == registry.CHECKED,
        RegistryUpload.rows_valid > 0).values(state=registry.DONE, updated_at=clock.now()))
    if rowcount(moved) != 1:
        raise Conflict(f"the upload is {upload.state}, not waiting to be imported",
                       code="wrong_upload_state", upload_id=upload.id)
    path = registry.upload_path(session, upload.stored_name)
    with path.open("rb") as file:
        checked = check_people(session, actor, file)
    if [_summary(p) for p in checked.planned] != (upload.result or {}).get("planned"):
        raise Conflict("the sheet no longer checks as it did: upload it again",
                       code="people_file_changed", upload_id=upload.id)
    created = []
    for planned in checked.planned:
        user, password = accounts.create_person(session, actor, planned.username, planned.person)
        if planned.email:
            user.email = planned.email
        created.append((user, password))
    session.refresh(upload)
    upload.result = {**(upload.result or {}), "created": len(created)}
    audit.record(session, actor, "people.import", "registry_upload", upload.id,
                 created=len(created))
    path.unlink(missing_ok=True)
    return upload, created


def people_file(session: Session, actor: audit.Actor, upload_id: int) -> RegistryUpload:
    """A people upload of this administrator; NotFound for anyone else's."""
    accounts.manageable(session, actor)
    upload = session.get(RegistryUpload, upload_id)
    if upload is None or upload.kind != KIND or upload.uploaded_by_id != actor.user_id:
        raise NotFound(f"no people upload {upload_id}", code="no_such_upload")
    return upload


def passwords_workbook(created: list[tuple[User, str]]) -> bytes:
    """The new accounts with their one-time passwords, to hand over in person."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("一次性密码")
    sheet.append(["用户名", "姓名", "单位", "一次性密码"])
    for user, password in created:
        sheet.append([user.username, user.display_name, user.org_unit.name, password])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook() -> bytes:
    """An empty sheet with the headers and one example row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("人员")
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(["zhangsan", "张三", "530502-amr", "执法人员", "", "53050220260001",
                  "2028-12-31"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row_problems(session: Session, actor: audit.Actor, values: dict[str, Any],
                  units: dict[str, OrgUnit], taken: set[str], seen: dict[str, int],
                  number: int) -> dict[str, str]:
    problems: dict[str, str] = {}
    username = (values.get("username") or "").strip().lower()
    if not (3 <= len(username) <= 64 and set(username) <= accounts.USERNAME_CHARS):
        problems["username"] = f"bad user name: {username}"
    elif username in taken:
        problems["username"] = f"user name taken: {username}"
    elif username in seen:
        problems["username"] = f"user name also on row {seen[username]}"
    unit = units.get((values.get("unit") or "").strip().lower())
    if unit is None or not unit.active:
        problems["unit"] = f"no active unit: {values.get('unit') or ''}"
    roles = _roles(values.get("roles") or "")
    if roles is None:
        problems["roles"] = f"unknown role: {values.get('roles') or ''}"
    expires = values.get("certificate_expires")
    if expires and _date(expires) is None:
        problems["certificate_expires"] = f"not a date: {expires} (write YYYY-MM-DD)"
    email = (values.get("email") or "").strip()
    if email and not _email_ok(email):
        problems["email"] = f"not an e-mail address: {email}"
    if problems or unit is None or roles is None:
        return problems
    try:
        accounts.check_person(session, actor, _person(values, unit, roles))
    except InvalidInput as exc:
        fields = exc.details.get("fields")
        for name, code in (fields.items() if isinstance(fields, dict) else ()):
            problems[name] = _WHY.get(str(code), str(code))
    return problems


_WHY = {"outside_department": "outside your department",
        "not_yours_to_give": "not yours to give", "required": "required"}


def _email_ok(email: str) -> bool:
    return len(email) <= 254 and bool(EMAIL.fullmatch(email))


def _planned(number: int, values: dict[str, Any], units: dict[str, OrgUnit]) -> Planned:
    unit = units[values["unit"].strip().lower()]
    roles = _roles(values["roles"])
    assert roles is not None
    email = (values.get("email") or "").strip() or None
    return Planned(number, values["username"].strip().lower(), _person(values, unit, roles),
                   email)


def _person(values: dict[str, Any], unit: OrgUnit, roles: frozenset[Role]) -> accounts.Person:
    return accounts.Person(
        display_name=(values.get("display_name") or "").strip(), unit=unit, roles=roles,
        certificate_no=(values.get("certificate_no") or "").strip() or None,
        certificate_expires=_date(values.get("certificate_expires")))


def _roles(text: str) -> frozenset[Role] | None:
    words = [w for w in str(text).translate(_SEPARATORS).split(",") if w.strip()]
    roles = [ROLE_WORDS.get(w.strip().lower()) or ROLE_WORDS.get(w.strip()) for w in words]
    if not roles or None in roles:
        return None
    return frozenset(r for r in roles if r is not None)


def _date(raw: Any) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return registry.parse_date(raw)
    except (InvalidInput, ValueError):
        return None


def _cell(cells: list[Any], indexes: list[int]) -> Any:
    value = cells[indexes[0]] if indexes[0] < len(cells) else None
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else (value if isinstance(value, date) else str(value))


def _summary(planned: Planned) -> dict[str, Any]:
    who = planned.person
    return {"row": planned.row, "username": planned.username, "name": who.display_name,
            "unit": who.unit.name, "roles": sorted(r.value for r in who.roles)}


def _finish(upload: RegistryUpload, state: str, **values: Any) -> None:
    upload.state, upload.stage, upload.updated_at = state, None, clock.now()
    for name, value in values.items():
        setattr(upload, name, value)
