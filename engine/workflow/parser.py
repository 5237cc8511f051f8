"""Turn BPMN and DMN files into a SpiffWorkflow spec, reporting problems by element."""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.errors import DeploymentError, DeploymentProblem
from engine.workflow.xml import UnsafeXml, kind_of, parse_xml, xml_text


@dataclass
class ParsedProcess:
    """The executable process of a deployment, with the texts it came from."""

    key: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    bpmn_file: str
    bpmn_xml: str
    dmn_xml: list[str] = field(default_factory=list)
    file_names: list[str] = field(default_factory=list)


def parse_process(files: list[tuple[str, bytes]]) -> ParsedProcess:
    """Parse one BPMN file (plus any DMN files) safely; raise DeploymentError on any problem."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    problems: list[DeploymentProblem] = []
    bpmn: list[tuple[str, str]] = []
    dmn: list[str] = []
    for name, content in files:
        try:
            root = parse_xml(content)
        except UnsafeXml as exc:
            problems.append(DeploymentProblem(name, None, str(exc)))
            continue
        kind = kind_of(root)
        text = xml_text(content)  # decoded as parse_xml did: it cannot fail here
        try:
            if kind == "bpmn":
                parser.add_bpmn_xml(root, filename=name)
                bpmn.append((name, text))
            elif kind == "dmn":
                parser.add_dmn_xml(root, filename=name)
                dmn.append(text)
            else:
                problems.append(DeploymentProblem(name, None, "not a BPMN or DMN document"))
        except ValidationException as exc:
            problems.append(_problem(name, exc))
        except Exception as exc:  # the parser raises many kinds for malformed models
            problems.append(DeploymentProblem(name, None, f"cannot be parsed: {exc}"))
    if not problems and len(bpmn) != 1:
        problems.append(DeploymentProblem(
            ", ".join(n for n, _ in files), None,
            f"a deployment holds exactly one BPMN file, got {len(bpmn)}"))
    if problems:
        raise DeploymentError(problems)
    return _spec_of(parser, bpmn[0], dmn, [n for n, _ in files])


def _spec_of(parser: SpiffBpmnParser, bpmn: tuple[str, str], dmn: list[str],
             names: list[str]) -> ParsedProcess:
    file_name, text = bpmn
    ids = [pid for pid, proc in parser.process_parsers.items()
           if proc.node.get("isExecutable", "true") != "false"]
    if not ids:
        raise DeploymentError([DeploymentProblem(file_name, None, "no executable process")])
    if len(ids) > 1:
        called = {s for pid in ids for s in parser.get_process_dependencies()}
        top = [pid for pid in ids if pid not in called]
        ids = top or ids
    key = ids[0]
    try:
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except ValidationException as exc:
        raise DeploymentError([_problem(file_name, exc)]) from exc
    except Exception as exc:  # the parser raises many kinds for malformed models
        raise DeploymentError([DeploymentProblem(file_name, None, f"cannot be parsed: {exc}")]
                              ) from exc
    return ParsedProcess(key=key, name=spec.description or key, spec=spec,
                         subprocess_specs=subprocess_specs, bpmn_file=file_name,
                         bpmn_xml=text, dmn_xml=dmn, file_names=names)


def _problem(file_name: str, exc: ValidationException) -> DeploymentProblem:
    element = getattr(exc, "id", None) or None
    reason = str(exc).split("\n")[0]
    return DeploymentProblem(getattr(exc, "file_name", None) or file_name, element, reason)
