"""The dual-notice routing table: a DMN decision table, deployed in versions, matched on scopes.

Why not SpiffWorkflow's DMN engine: it evaluates every cell as a Python
expression through the script engine. Substring tests can be written there
(`"餐饮服务" in ?`), but each rule then costs two sandboxed evaluations per
entity — 1.4 ms per entity for the shipped 77 rules, three times the whole
budget of a registry-import row — the cells hold Python instead of FEEL, and
"this scope item, but not if the same item says ..." cannot be said at all.
So the table is read here with the hardened XML parser and each input entry is
a FEEL list of string literals meaning "contained in a scope item":

    "餐饮服务","中央厨房"       the item contains one of these terms
    not("仅销售预包装食品")     the item contains none of these
    -  (or empty)               anything

A rule (hit policy COLLECT) fires when one item of the scope satisfies all its
input entries. The file stays plain DMN 1.3, so any DMN editor opens it.
Before matching, a scope is normalised (NFKC, upper case), negated clauses such
as "（不含危险化学品）", "（象牙及其制品除外）" or "不含…" are removed, and it is
split into items at top-level ；;，,。 and line breaks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.config import PROJECT_DIR
from engine.errors import DeploymentError, DeploymentProblem, NotFound
from engine.models import DecisionTable
from engine.org.areas import department_suffixes
from engine.workflow.xml import UnsafeXml, kind_of, parse_xml, xml_text

ROUTING_KEY = "dual_notice_routing"
SHIPPED_TABLE = PROJECT_DIR / "rules" / "dual_notice_routing.dmn"
OUTPUTS = ("licence_item", "licence_item_name", "department")
# ... optionally followed by the item's English name (pages in English show it).
OUTPUTS_EN = (*OUTPUTS, "licence_item_name_en")

_NEGATED_BRACKET = re.compile(r"\((?:不含|不包括|不涉及|不得|不从事|除)[^()]*\)|\([^()]*除外\)")
_NEGATED_TAIL = re.compile(r"(?:不含|不包括|不涉及)[^;,。\n]*")
_SPLIT = re.compile("[;,。\n]")
_BRACKETED = re.compile(r"\([^()]*\)")
_HIDE_SEPARATORS = str.maketrans(";,。\n", "\x01\x02\x03\x04")
_SHOW_SEPARATORS = str.maketrans("\x01\x02\x03\x04", ";,。\n")
_STRING = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class LicenceMatch:
    """One outcome of the table: a licence item and the suffix of its department's code."""

    licence_item: str
    licence_item_name: str
    department: str
    licence_item_name_en: str = ""


@dataclass(frozen=True)
class RoutingRule:
    rule_id: str
    required: tuple[tuple[str, ...], ...]  # per input column: the item contains one of these
    excluded: tuple[str, ...]  # ... and none of these
    outcome: LicenceMatch

    def fits(self, present: set[str]) -> bool:
        """Whether a scope item holding exactly the terms `present` satisfies the rule."""
        return (all(not present.isdisjoint(group) for group in self.required)
                and present.isdisjoint(self.excluded))


@dataclass(frozen=True)
class RoutingTable:
    """A parsed decision table; `evaluate` gives the licence items a scope needs."""

    key: str
    name: str
    rules: tuple[RoutingRule, ...]
    sha256: str = ""
    version: int = 0  # the deployed version it was read from (0: not deployed)
    # Every term by its first character, and the rules each required term can fire:
    # a scope is scanned once instead of once per rule.
    _terms: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _rules_of: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        terms: dict[str, set[str]] = defaultdict(set)
        rules_of: dict[str, list[int]] = defaultdict(list)
        for index, rule in enumerate(self.rules):
            for term in {t for group in rule.required for t in group}:
                rules_of[term].append(index)
            for term in (*{t for group in rule.required for t in group}, *rule.excluded):
                terms[term[0]].add(term)
        object.__setattr__(self, "_terms", {k: tuple(v) for k, v in terms.items()})
        object.__setattr__(self, "_rules_of", {k: tuple(v) for k, v in rules_of.items()})

    def evaluate(self, scope: str | None) -> list[LicenceMatch]:
        """Every (licence item, department) the scope needs, once each, in table order."""
        fired: set[int] = set()
        for item in scope_items(scope):
            present = self._terms_in(item)
            candidates = {i for term in present for i in self._rules_of.get(term, ())}
            fired.update(i for i in candidates - fired if self.rules[i].fits(present))
        found: dict[tuple[str, str], LicenceMatch] = {}
        for index in sorted(fired):
            outcome = self.rules[index].outcome
            found.setdefault((outcome.licence_item, outcome.department), outcome)
        return list(found.values())

    def _terms_in(self, item: str) -> set[str]:
        return {term for at, char in enumerate(item) for term in self._terms.get(char, ())
                if item.startswith(term, at)}

    def licence_items(self) -> dict[str, str]:
        """Licence item code → name, for pick lists (manual routing, re-routing)."""
        return {r.outcome.licence_item: r.outcome.licence_item_name for r in self.rules}

    def english_names(self) -> dict[str, str]:
        """Licence item code → English name, where the table gives one."""
        return {r.outcome.licence_item: r.outcome.licence_item_name_en for r in self.rules
                if r.outcome.licence_item_name_en}


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).upper()


def scope_items(scope: str | None) -> list[str]:
    """The items of a business scope, normalised, without negated clauses."""
    if not scope:
        return []
    text = normalise(scope)
    previous = None
    while previous != text and "(" in text:  # nested brackets: innermost first
        previous, text = text, _NEGATED_BRACKET.sub("", text)
    text = _NEGATED_TAIL.sub("", text)
    if "(" in text:  # separators inside brackets do not end an item
        text = _BRACKETED.sub(lambda m: m.group(0).translate(_HIDE_SEPARATORS), text)
    return [item.strip().translate(_SHOW_SEPARATORS) for item in _SPLIT.split(text)
            if item.strip()]


# --- reading the DMN ------------------------------------------------------------------------

def parse_table(content: bytes | str, file_name: str = "table.dmn",
                departments: frozenset[str] | None = None) -> RoutingTable:
    """Read a routing table from DMN; DeploymentError names every problem found. With
    `departments` (code suffixes of the member departments), every outcome must name one."""
    problems: list[DeploymentProblem] = []

    def refuse(element: str | None, reason: str, code: str, **params: str | int) -> None:
        problems.append(DeploymentProblem(file_name, element, reason, code, **params))

    try:
        root = parse_xml(content)
    except UnsafeXml as exc:
        raise DeploymentError([DeploymentProblem(file_name, None, str(exc), "unsafe_xml",
                                                 detail=str(exc))]) from exc
    if kind_of(root) != "dmn":
        raise DeploymentError([DeploymentProblem(file_name, None, "not a DMN document",
                                                 "table_not_dmn")])
    namespace = etree.QName(root).namespace
    assert namespace is not None  # kind_of found a DMN namespace
    ns = {"dmn": namespace}
    decisions = [(d, t) for d in root.findall("dmn:decision", ns)
                 if (t := d.find("dmn:decisionTable", ns)) is not None]
    if len(decisions) != 1:
        raise DeploymentError([DeploymentProblem(
            file_name, None, f"expected one decision with a table, found {len(decisions)}",
            "table_decisions", count=len(decisions))])
    decision, table = decisions[0]
    if table.get("hitPolicy", "UNIQUE") != "COLLECT":
        refuse(table.get("id"), "the routing table needs hit policy COLLECT",
               "table_hit_policy", value=table.get("hitPolicy", "UNIQUE"))
    inputs = table.findall("dmn:input", ns)
    for column in inputs:
        expression = (column.findtext("dmn:inputExpression/dmn:text", "", ns) or "").strip()
        if expression != "business_scope":
            refuse(column.get("id"), f"inputs match business_scope, not {expression!r}",
                   "table_input", value=expression)
    names = [o.get("name") for o in table.findall("dmn:output", ns)]
    if tuple(names) not in (OUTPUTS, OUTPUTS_EN):
        refuse(table.get("id"), f"outputs must be {', '.join(OUTPUTS)} (and optionally "
                                f"licence_item_name_en), got {names}", "table_outputs",
               value=", ".join(str(n) for n in names))
    rules = []
    for row in table.findall("dmn:rule", ns):
        rule = _rule(row, ns, len(inputs), len(names), refuse, departments)
        if rule is not None:
            rules.append(rule)
    if not rules:
        refuse(table.get("id"), "the table has no rules", "table_no_rules")
    if problems:
        raise DeploymentError(problems)
    return RoutingTable(key=decision.get("id") or ROUTING_KEY,
                        name=decision.get("name") or decision.get("id") or "", rules=tuple(rules))


def _rule(row: etree._Element, ns: dict[str, str], columns: int, output_columns: int,
          refuse: Callable[..., None], departments: frozenset[str] | None
          ) -> RoutingRule | None:
    rule_id = row.get("id") or "?"
    entries = [(e.findtext("dmn:text", "", ns) or "").strip()
               for e in row.findall("dmn:inputEntry", ns)]
    outputs = [(e.findtext("dmn:text", "", ns) or "").strip()
               for e in row.findall("dmn:outputEntry", ns)]
    if len(entries) != columns or len(outputs) != output_columns:
        refuse(rule_id, "a rule needs one entry per input and per output", "rule_entries")
        return None
    required: list[tuple[str, ...]] = []
    excluded: list[str] = []
    for text in entries:
        if text in ("", "-"):
            continue
        negated = text.startswith("not(") and text.endswith(")")
        terms = _strings(text[4:-1] if negated else text)
        if terms is None:
            refuse(rule_id, f"entry {text!r} is not a list of quoted terms",
                   "rule_terms_unreadable", value=text)
            return None
        terms = [normalise(t) for t in terms]
        if negated:
            excluded.extend(terms)
        else:
            required.append(tuple(terms))
    values = [_strings(text) for text in outputs]
    singles = [v[0] for v in values if v is not None and len(v) == 1 and v[0]]
    if len(singles) != len(values):
        refuse(rule_id, "each output must be one quoted, non-empty string",
               "rule_output_unreadable", detail=", ".join(outputs))
        return None
    item, name, department, *english = singles
    if departments is not None and department not in departments:
        refuse(rule_id, f"unknown department code suffix {department!r}",
               "rule_department_unknown", department=department)
        return None
    if not required:
        refuse(rule_id, "a rule must name at least one term (a rule matching anything "
                        "would push every registration)", "rule_without_terms")
        return None
    return RoutingRule(rule_id, tuple(required), tuple(excluded),
                       LicenceMatch(item, name, department, english[0] if english else ""))


def _strings(text: str) -> list[str] | None:
    """The quoted strings of a FEEL list, stripped; None when anything else is there."""
    terms = _STRING.findall(text)
    rest = _STRING.sub("", text).replace(",", "").strip()
    if rest or not terms or any(not t.strip() for t in terms):
        return None
    return [t.strip() for t in terms]


# --- versions in the database ---------------------------------------------------------------

_CACHE: OrderedDict[str, RoutingTable] = OrderedDict()
_CACHE_SIZE = 16


def deploy_table(session: Session, actor: audit.Actor, file_name: str, content: bytes,
                 comment: str | None = None) -> tuple[DecisionTable, bool]:
    """Store a table as the next version of its key; identical content is a no-op.

    Returns the version and whether it is new. Raises DeploymentError for a
    table that cannot be used, also one naming a department the city does not have
    (checked once the unit tree has the city's departments).
    """
    parsed = parse_table(content, file_name, department_suffixes(session) or None)
    digest = hashlib.sha256(content).hexdigest()
    existing = session.execute(select(DecisionTable).where(
        DecisionTable.key == parsed.key, DecisionTable.sha256 == digest)).scalar()
    if existing is not None:
        return existing, False
    latest = session.execute(select(func.max(DecisionTable.version)).where(
        DecisionTable.key == parsed.key)).scalar()
    row = DecisionTable(key=parsed.key, version=(latest or 0) + 1, name=parsed.name[:200],
                        sha256=digest, xml=xml_text(content), file_name=file_name[:200],
                        deployed_by=actor.name, deployed_at=clock.now(), comment=comment)
    session.add(row)
    session.flush()
    audit.record(session, actor, "rules.deploy", "decision_table", row.id, key=row.key,
                 version=row.version, sha256=digest, rules=len(parsed.rules), comment=comment)
    return row, True


def deploy_table_file(session: Session, actor: audit.Actor, path: Path
                      ) -> tuple[DecisionTable, bool]:
    return deploy_table(session, actor, path.name, path.read_bytes())


def _deploy_shipped(session: Session) -> tuple[int, str, int]:
    """Deploy the shipped table; when a concurrent first use deployed it first, use theirs."""
    try:
        with session.begin_nested():
            row, _ = deploy_table_file(session, audit.SYSTEM, SHIPPED_TABLE)
            return row.id, row.sha256, row.version
    except IntegrityError:
        row = session.execute(select(DecisionTable).where(DecisionTable.key == ROUTING_KEY)
                              .order_by(DecisionTable.version.desc()).limit(1)).scalar_one()
        return row.id, row.sha256, row.version


def latest_table(session: Session, key: str = ROUTING_KEY) -> RoutingTable:
    """The newest deployed version of a table; the shipped routing table is deployed
    on first use when none is."""
    head = session.execute(
        select(DecisionTable.id, DecisionTable.sha256, DecisionTable.version)
        .where(DecisionTable.key == key).order_by(DecisionTable.version.desc()).limit(1)).first()
    if head is None:
        if key != ROUTING_KEY:
            raise NotFound(f"no decision table {key!r} is deployed", code="no_such_decision_table")
        table_id, digest, version = _deploy_shipped(session)
    else:
        table_id, digest, version = head
    cached = _CACHE.get(digest)
    if cached is None:
        xml = session.execute(select(DecisionTable.xml).where(DecisionTable.id == table_id))
        parsed = parse_table(xml.scalar_one())
        cached = replace(parsed, sha256=digest, version=version)
        _CACHE[digest] = cached
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(digest)
    return cached
