"""Turn BPMN and DMN files into a SpiffWorkflow spec, reporting problems by element."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.errors import DeploymentError, DeploymentProblem
from engine.workflow.xml import UnsafeXml, kind_of, parse_xml, xml_text


@dataclass
class ParsedProcess:
    """An executable process of a deployment, with the texts it came from.

    `bpmn_file`/`bpmn_xml` is the file that holds the process; `extra_bpmn` the other BPMN
    files of the deployment (processes it calls); `calls` the processes it calls that
    were already deployed, by key, with the version whose diagram it now carries.
    """

    key: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    bpmn_file: str
    bpmn_xml: str
    dmn_xml: list[str] = field(default_factory=list)
    file_names: list[str] = field(default_factory=list)
    extra_bpmn: list[tuple[str, str]] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)

    def own_files(self) -> list[tuple[str, str]]:
        """The BPMN files of the deployment itself (not those of called deployed processes)."""
        return [(self.bpmn_file, self.bpmn_xml), *self.extra_bpmn]


BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
Deployed = Callable[[str], "tuple[int, list[tuple[str, str]]] | None"]
"""deployed(key) -> (version, [(file name, text), ...]) of the latest deployed version of a
process, or None: where a call activity finds a process its deployment does not hold."""


def parse_process(files: list[tuple[str, bytes]], deployed: Deployed | None = None
                  ) -> ParsedProcess:
    """The one top-level executable process of the files (see `parse_processes`)."""
    parsed = parse_processes(files, deployed)
    if len(parsed) > 1:
        raise DeploymentError([DeploymentProblem(
            parsed[1].bpmn_file, parsed[1].key,
            f"one process per deployment here, got {len(parsed)}: "
            + ", ".join(p.key for p in parsed), "one_process_per_deployment",
            count=len(parsed))])
    return parsed[0]


def parse_processes(files: list[tuple[str, bytes]], deployed: Deployed | None = None
                    ) -> list[ParsedProcess]:
    """Parse BPMN and DMN files safely: every top-level executable process among them (one
    that no other process of the files calls; a collaboration may hold several), each with
    the processes it calls, from the files or else from `deployed`. Raises
    DeploymentError naming every problem found."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    problems: list[DeploymentProblem] = []
    bpmn: list[tuple[str, str]] = []
    dmn: list[str] = []
    for name, content in files:
        kind, text, problem = _add(parser, name, content)
        if problem is not None:
            problems.append(problem)
        elif kind == "bpmn":
            bpmn.append((name, text))
        else:
            dmn.append(text)
    if not problems and not bpmn:
        problems.append(DeploymentProblem(", ".join(n for n, _ in files), None,
                                          "a deployment needs a BPMN file", "no_bpmn"))
    if problems:
        raise DeploymentError(problems)
    keys = _top_level(parser, bpmn)
    names = [n for n, _ in files]
    return [_spec_of(parser, key, bpmn, dmn, names, deployed) for key in keys]


def _add(parser: SpiffBpmnParser, name: str, content: bytes | str
         ) -> tuple[str, str, DeploymentProblem | None]:
    try:
        root = parse_xml(content)
    except UnsafeXml as exc:
        return "", "", DeploymentProblem(name, None, str(exc), "unsafe_xml", detail=str(exc))
    kind = kind_of(root) or ""
    text = xml_text(content)  # decoded as parse_xml did: it cannot fail here
    try:
        if kind == "bpmn":
            parser.add_bpmn_xml(root, filename=name)
        elif kind == "dmn":
            parser.add_dmn_xml(root, filename=name)
        else:
            return kind, text, DeploymentProblem(name, None, "not a BPMN or DMN document",
                                                 "not_a_document")
    except ValidationException as exc:
        return kind, text, _problem(name, exc)
    except Exception as exc:  # the parser raises many kinds for malformed models
        return kind, text, _unparsable(name, exc)
    return kind, text, None


def _top_level(parser: SpiffBpmnParser, bpmn: list[tuple[str, str]]) -> list[str]:
    ids = [pid for pid, proc in parser.process_parsers.items()
           if proc.node.get("isExecutable", "true") != "false"]
    if not ids:
        raise DeploymentError([DeploymentProblem(bpmn[0][0], None, "no executable process",
                                                 "no_executable_process")])
    called = {node.get("calledElement") for _name, text in bpmn
              for node in parse_xml(text.encode("utf-8")).iter(f"{{{BPMN_NS}}}callActivity")}
    return [pid for pid in ids if pid not in called] or ids[:1]


def _spec_of(parser: SpiffBpmnParser, key: str, bpmn: list[tuple[str, str]], dmn: list[str],
             names: list[str], deployed: Deployed | None) -> ParsedProcess:
    home = parser.get_process_parser(key).filename
    file_name, text = next(((n, t) for n, t in bpmn if n == home), bpmn[0])
    calls: dict[str, int] = {}
    try:
        spec = parser.get_spec(key)
        while True:
            subprocess_specs = parser.get_subprocess_specs(key, require_call_activity_specs=False)
            missing = sorted(k for k, v in subprocess_specs.items() if v is None)
            if not missing:
                break
            for called in missing:
                _pull(parser, file_name, called, deployed, calls)
    except ValidationException as exc:
        raise DeploymentError([_problem(file_name, exc)]) from exc
    except DeploymentError:
        raise
    except Exception as exc:  # the parser raises many kinds for malformed models
        raise DeploymentError([_unparsable(file_name, exc)]) from exc
    return ParsedProcess(key=key, name=spec.description or key, spec=spec,
                         subprocess_specs=subprocess_specs, bpmn_file=file_name,
                         bpmn_xml=text, dmn_xml=dmn, file_names=names,
                         extra_bpmn=[(n, t) for n, t in bpmn if n != file_name], calls=calls)


def _pull(parser: SpiffBpmnParser, file_name: str, called: str, deployed: Deployed | None,
          calls: dict[str, int]) -> None:
    """Add the files of the deployed process `called` to the parse, or refuse."""
    found = deployed(called) if deployed is not None else None
    if found is None or called in calls:
        raise DeploymentError([DeploymentProblem(
            file_name, None, f"a call activity calls process {called!r}, which is neither in "
                             "this deployment nor deployed", "call_missing", process=called)])
    version, texts = found
    calls[called] = version
    for name, text in texts:
        root = parse_xml(text.encode("utf-8"))
        ids = {node.get("id") for node in root.iter(f"{{{BPMN_NS}}}process")}
        if not any(parser.get_process_parser(pid) is not None for pid in ids):
            parser.add_bpmn_xml(root, filename=name)


def _problem(file_name: str, exc: ValidationException) -> DeploymentProblem:
    element = getattr(exc, "id", None) or None
    reason = str(exc).split("\n")[0]
    line = getattr(exc, "line_number", None)
    if line and f"line {line}" not in reason:  # the XSD's line: where to look in the file
        reason = f"{reason.rstrip('. ')} (line {line})"
    return DeploymentProblem(getattr(exc, "file_name", None) or file_name, element, reason,
                             "not_valid", detail=reason)


def _unparsable(file_name: str, exc: Exception) -> DeploymentProblem:
    return DeploymentProblem(file_name, None, f"cannot be parsed: {exc}", "cannot_parse",
                             detail=str(exc))
