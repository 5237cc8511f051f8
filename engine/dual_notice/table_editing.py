"""The routing table edited in the browser: its rules as rows an administrator changes in a
draft, the draft tried on sample business scopes beside the version in use, then deployed as
the next version (with who, when and why). The DMN written is the deployed version's, with
its rules replaced: the header, columns and description stay as they were."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.dual_notice.routing_table import (
    ROUTING_KEY,
    LicenceMatch,
    deploy_table,
    latest_table,
    parse_table,
)
from engine.errors import (
    Conflict,
    DeploymentError,
    DeploymentProblem,
    Forbidden,
    InvalidInput,
    NotFound,
)
from engine.models import DecisionTable, OrgKind, OrgUnit, Role, RuleDraft, User
from engine.org.areas import city_code, department_suffixes
from engine.workflow.xml import parse_xml

MAX_ROWS = 1_000
TABLE_FILE = "dual_notice_routing.dmn"
MAX_SAMPLES = 20
FIELDS = ("terms", "excluded", "licence_item", "name", "department", "name_en")
_TERM_SPLIT = re.compile(r"[,，、;；\n]+")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,63}$")


@dataclass
class RuleRow:
    """One rule as the editor shows it: terms separated by commas."""

    terms: str = ""  # a scope item containing any of these matches ...
    excluded: str = ""  # ... unless it contains any of these
    licence_item: str = ""
    name: str = ""
    department: str = ""  # the department's code suffix
    name_en: str = ""
    rule_id: str = ""


@dataclass(frozen=True)
class Trial:
    """A sample scope and the licence items each table gives it."""

    scope: str
    now: list[LicenceMatch]
    draft: list[LicenceMatch]

    @property
    def changed(self) -> bool:
        return [(m.licence_item, m.department) for m in self.now] != [
            (m.licence_item, m.department) for m in self.draft]


def require_editor(session: Session, actor: audit.Actor) -> None:
    """Only system administrators change the routing table."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if actor.user_id is not None and (user is None or not user.has_role(Role.SYSADMIN)):
        raise Forbidden("only system administrators change the routing table",
                        code="not_a_rules_admin")


def departments(session: Session) -> list[tuple[str, str]]:
    """The member departments a rule may name: (code suffix, the city department's name)."""
    city = city_code(session)
    if city is None:
        return []
    return [(code.removeprefix(f"{city}-"), name) for code, name in session.execute(
        select(OrgUnit.code, OrgUnit.name).where(
            OrgUnit.kind == OrgKind.DEPARTMENT, OrgUnit.area_code == city,
            OrgUnit.code.startswith(f"{city}-")).order_by(OrgUnit.code))]


def versions(session: Session) -> list[DecisionTable]:
    """Every deployed version of the routing table, newest first."""
    latest_table(session)  # the shipped one is deployed on first use
    return list(session.execute(select(DecisionTable).where(
        DecisionTable.key == ROUTING_KEY).order_by(DecisionTable.version.desc())).scalars())


def rows_of(xml: str | bytes) -> list[RuleRow]:
    """A deployed table's rules as rows, with their terms as written."""
    root = parse_xml(xml)
    ns = {"dmn": etree.QName(root).namespace or ""}
    rows = []
    for rule in root.iterfind(".//dmn:rule", ns):
        entries = [(e.findtext("dmn:text", "", ns) or "").strip()
                   for e in rule.findall("dmn:inputEntry", ns)]
        outputs = [_unquote(e.findtext("dmn:text", "", ns) or "")
                   for e in rule.findall("dmn:outputEntry", ns)]
        required = [e for e in entries if e not in ("", "-") and not e.startswith("not(")]
        excluded = [e[4:-1] for e in entries if e.startswith("not(") and e.endswith(")")]
        outputs += [""] * (4 - len(outputs))
        rows.append(RuleRow("，".join(_terms(" ".join(required))),
                            "，".join(_terms(" ".join(excluded))), outputs[0], outputs[1],
                            outputs[2], outputs[3], rule.get("id") or ""))
    return rows


def draft(session: Session, actor: audit.Actor) -> tuple[RuleDraft | None, list[RuleRow]]:
    """The draft being edited (None: none yet) and its rows (the version in use's when none)."""
    require_editor(session, actor)
    saved = session.get(RuleDraft, ROUTING_KEY)
    if saved is not None:
        return saved, [RuleRow(**row) for row in saved.rows]
    return None, rows_of(_latest_row(session).xml)


def save_draft(session: Session, actor: audit.Actor, rows: list[RuleRow],
               samples: str | None = None) -> RuleDraft:
    """Keep the rows (blank ones dropped) as the draft; problems do not stop a save."""
    require_editor(session, actor)
    kept = [row for row in rows if any(getattr(row, f).strip() for f in FIELDS)]
    if len(kept) > MAX_ROWS:
        raise InvalidInput(f"at most {MAX_ROWS} rules", fields={"rows": "too_many"})
    saved = session.get(RuleDraft, ROUTING_KEY)
    if saved is None:
        saved = RuleDraft(key=ROUTING_KEY, based_on=_latest_row(session).version, samples="")
        session.add(saved)
    tidy = [_tidy(row, number) for number, row in enumerate(kept, 1)]
    seen: set[str] = set()
    for number, row in enumerate(tidy, 1):  # a copied row keeps no one else's id
        if row.rule_id in seen:
            row.rule_id = f"{row.rule_id}_{number}"
        seen.add(row.rule_id)
    saved.rows = [asdict(row) for row in tidy]
    if samples is not None:
        saved.samples = samples[:20_000]
    saved.updated_by, saved.updated_at = actor.name, clock.now()
    session.flush()
    return saved


def problems(session: Session, rows: list[RuleRow]) -> dict[int, list[str]]:
    """What stops each row (by its index) from deploying: no terms, a bad code, a department
    the city does not have, a quote in a term."""
    departments = department_suffixes(session)
    found: dict[int, list[str]] = {}
    for index, row in enumerate(rows):
        why = []
        if not _terms(row.terms):
            why.append("no_terms")
        if '"' in row.terms + row.excluded:
            why.append("quote")
        if not _CODE.fullmatch(row.licence_item):
            why.append("bad_code")
        if not row.name.strip():
            why.append("no_name")
        if not row.department or (departments and row.department not in departments):
            why.append("unknown_department")
        if why:
            found[index] = why
    return found


def table_problems(session: Session, rows: list[RuleRow]
                   ) -> dict[int | None, list[DeploymentProblem]]:
    """What deploy would refuse in the table the rows make (as deploy checks it), by the
    index of the row each problem concerns; None for the table as a whole."""
    try:
        parse_table(table_xml(session, rows), TABLE_FILE, department_suffixes(session) or None)
    except DeploymentError as exc:
        at = {row.rule_id or f"rule_{number}": number - 1
              for number, row in enumerate(rows, 1)}
        found: dict[int | None, list[DeploymentProblem]] = {}
        for problem in exc.problems or [DeploymentProblem(TABLE_FILE, None, "no table")]:
            found.setdefault(at.get(problem.element or ""), []).append(problem)
        return found
    return {}


def trials(session: Session, rows: list[RuleRow], samples: str) -> list[Trial]:
    """Each sample scope (one per line) through the version in use and through the draft."""
    now = latest_table(session)
    drafted = parse_table(table_xml(session, rows))
    scopes = [line.strip() for line in samples.splitlines() if line.strip()][:MAX_SAMPLES]
    return [Trial(scope, now.evaluate(scope), drafted.evaluate(scope)) for scope in scopes]


def deploy_draft(session: Session, actor: audit.Actor, comment: str) -> DecisionTable:
    """The draft becomes the next version of the routing table, checked as any deploy is;
    the draft ends. Refused while a row has a problem, or when nothing changed."""
    require_editor(session, actor)
    comment = (comment or "").strip()
    if not 2 <= len(comment) <= 500:
        raise InvalidInput("say what changed", fields={"comment": "required"})
    saved = session.get(RuleDraft, ROUTING_KEY)
    if saved is None:
        raise NotFound("no draft of the routing table", code="no_rule_draft")
    rows = [RuleRow(**row) for row in saved.rows]
    if problems(session, rows):
        raise InvalidInput("the draft has problems", fields={"rows": "problems"})
    content = table_xml(session, rows)
    latest = _latest_row(session)
    if content == table_xml(session, rows_of(latest.xml)):
        raise Conflict(f"the draft has the rules of version {latest.version}",
                       code="rules_unchanged", version=latest.version)
    row, new = deploy_table(session, actor, TABLE_FILE, content, comment)
    if not new:
        raise Conflict(f"the draft is version {row.version} as deployed already",
                       code="rules_unchanged", version=row.version)
    session.delete(saved)
    return row


def discard_draft(session: Session, actor: audit.Actor) -> None:
    require_editor(session, actor)
    saved = session.get(RuleDraft, ROUTING_KEY)
    if saved is not None:
        session.delete(saved)
        audit.record(session, actor, "rules.discard_draft", "decision_table", ROUTING_KEY,
                     rules=len(saved.rows))


def table_xml(session: Session, rows: list[RuleRow]) -> bytes:
    """The version in use's DMN with its rules replaced by `rows`."""
    root = parse_xml(_latest_row(session).xml)
    namespace = etree.QName(root).namespace or ""
    ns = {"dmn": namespace}
    table = root.find(".//dmn:decisionTable", ns)
    if table is None:
        raise DeploymentError([])
    for old in table.findall("dmn:rule", ns):
        table.remove(old)
    english = len(table.findall("dmn:output", ns)) == 4
    for number, row in enumerate(rows, 1):
        rule_id = row.rule_id or f"rule_{number}"
        rule = etree.SubElement(table, f"{{{namespace}}}rule", id=rule_id)
        etree.SubElement(rule, f"{{{namespace}}}description").text = row.name
        inputs = [_feel(_terms(row.terms)),
                  f"not({_feel(_terms(row.excluded))})" if _terms(row.excluded) else "-"]
        outputs = [row.licence_item, row.name, row.department]
        if english:
            outputs.append(row.name_en or row.name)
        for kind, texts in (("inputEntry", inputs),
                            ("outputEntry", [_feel([o]) if o else '""' for o in outputs])):
            for index, text in enumerate(texts):
                entry = etree.SubElement(rule, f"{{{namespace}}}{kind}",
                                         id=f"{rule_id}_{kind[0]}{index}")
                etree.SubElement(entry, f"{{{namespace}}}text").text = text
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _latest_row(session: Session) -> DecisionTable:
    version = latest_table(session).version
    return session.execute(select(DecisionTable).where(
        DecisionTable.key == ROUTING_KEY, DecisionTable.version == version)).scalar_one()


def _tidy(row: RuleRow, number: int) -> RuleRow:
    return RuleRow("，".join(_terms(row.terms)), "，".join(_terms(row.excluded)),
                   row.licence_item.strip().upper(), row.name.strip(),
                   row.department.strip().lower(), row.name_en.strip(),
                   row.rule_id.strip() if re.fullmatch(r"[A-Za-z_][\w-]{0,80}", row.rule_id.strip())
                   else f"rule_{number}")


def _terms(text: str) -> list[str]:
    quoted = re.findall(r'"([^"]*)"', text)
    parts = quoted if quoted else _TERM_SPLIT.split(text)
    return [p.strip() for p in parts if p.strip()]


def _feel(terms: list[str]) -> str:
    return ",".join(f'"{t}"' for t in terms)


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text
