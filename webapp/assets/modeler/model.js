// Reading and writing this platform's extension points on a diagram's elements: the
// task properties (spiffworkflow:properties), bilingual names, lane roles and the
// working-day timers, as the shipped diagrams write them.
import { is } from "bpmn-js/lib/util/ModelUtil";

export const WORKDAY_TIMER = /^\s*workdays_from_today\(\s*(\d+)\s*\)\s*$/;
const WIDE = /[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f]/g;

export function bilingual(name) {
  name = name || "";
  let last = 0;
  for (const m of name.matchAll(WIDE)) { last = m.index + m[0].length; }
  const zh = name.slice(0, last).trim();
  const en = name.slice(last).trim();
  if (!zh || (en && !/^[\x00-\x7f]/.test(en))) { return { zh: name, en: "" }; }
  return { zh, en };
}

export function joinName(zh, en) {
  return [String(zh || "").trim(), String(en || "").trim()].filter(Boolean).join(" ");
}

/** The lane key a lane's name ends with ("录入部门 department" -> "department"). */
export function laneKey(name) {
  const words = String(name || "").trim().toLowerCase().split(/\s+/);
  return words.length ? words[words.length - 1] : "";
}

function propertiesOf(bo) {
  const values = (bo.extensionElements && bo.extensionElements.values) || [];
  return values.find((v) => is(v, "spiffworkflow:Properties"));
}

export function getProperty(bo, name) {
  const props = propertiesOf(bo);
  const found = props && (props.values || []).find((p) => p.name === name);
  return found ? found.value : undefined;
}

export function allProperties(bo) {
  const props = propertiesOf(bo);
  const out = {};
  ((props && props.values) || []).forEach((p) => { out[p.name] = p.value; });
  return out;
}

export function setProperty(injector, element, name, value) {
  const modeling = injector.get("modeling");
  const moddle = injector.get("moddle");
  const bo = element.businessObject;
  const empty = value === undefined || value === null || String(value).trim() === "";
  let ext = bo.extensionElements;
  let props = propertiesOf(bo);
  let prop = props && (props.values || []).find((p) => p.name === name);
  if (empty) {
    if (prop) {
      modeling.updateModdleProperties(element, props,
        { values: props.values.filter((p) => p !== prop) });
    }
    return;
  }
  if (!ext) {
    ext = moddle.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    modeling.updateProperties(element, { extensionElements: ext });
  }
  if (!props) {
    props = moddle.create("spiffworkflow:Properties", { values: [] });
    props.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [...(ext.values || []), props] });
  }
  if (!prop) {
    prop = moddle.create("spiffworkflow:Property", { name, value: String(value).trim() });
    prop.$parent = props;
    modeling.updateModdleProperties(element, props, { values: [...(props.values || []), prop] });
  } else {
    modeling.updateModdleProperties(element, prop, { value: String(value).trim() });
  }
}

/** The timer event definition of an event, if it has one. */
export function timerOf(bo) {
  return ((bo && bo.eventDefinitions) || []).find((d) => is(d, "bpmn:TimerEventDefinition"));
}

/** Working days of a timer written as the shipped diagrams do, else null. */
export function timerWorkdays(bo) {
  const timer = timerOf(bo);
  const body = timer && timer.timeDate && timer.timeDate.body;
  const m = body ? WORKDAY_TIMER.exec(body) : null;
  return m ? m[1] : null;
}

/** The boundary timer of a task for one purpose: "reminder" or "escalation". */
export function boundaryTimer(elementRegistry, task, purpose) {
  const words = purpose === "reminder" ? /remind/i : /escalat/i;
  return elementRegistry.filter((e) => e.type === "bpmn:BoundaryEvent" && e.host === task &&
    timerOf(e.businessObject) && words.test(e.id))[0];
}

export function setTimerWorkdays(injector, event, days) {
  const modeling = injector.get("modeling");
  const moddle = injector.get("moddle");
  const timer = timerOf(event.businessObject);
  const expression = moddle.create("bpmn:FormalExpression",
    { body: `workdays_from_today(${days})` });
  modeling.updateModdleProperties(event, timer,
    { timeDate: expression, timeDuration: undefined, timeCycle: undefined });
}

/** Write the task's reminder or escalation after `days` working days (blank removes it):
 * a non-interrupting boundary timer with `workdays_from_today(days)`, as shipped. */
export function setTaskTimer(injector, task, purpose, days, names) {
  const registry = injector.get("elementRegistry");
  const modeling = injector.get("modeling");
  const existing = boundaryTimer(registry, task, purpose);
  days = String(days || "").trim();
  if (!days) {
    if (existing) { modeling.removeShape(existing); }
    return;
  }
  if (!/^\d+$/.test(days)) { return; }
  if (existing) {
    setTimerWorkdays(injector, existing, days);
    return;
  }
  const factory = injector.get("bpmnFactory");
  const elementFactory = injector.get("elementFactory");
  const moddle = injector.get("moddle");
  const id = uniqueId(registry, `${task.id}_${purpose}`);
  const bo = factory.create("bpmn:BoundaryEvent", { id, cancelActivity: false });
  const timer = moddle.create("bpmn:TimerEventDefinition");
  timer.timeDate = moddle.create("bpmn:FormalExpression", { body: `workdays_from_today(${days})` });
  timer.$parent = bo;
  bo.eventDefinitions = [timer];
  bo.name = names(days);
  const shape = elementFactory.createShape({ type: "bpmn:BoundaryEvent", businessObject: bo });
  const x = task.x + (purpose === "reminder" ? task.width * 0.3 : task.width * 0.75);
  modeling.createShape(shape, { x, y: task.y + task.height }, task, { attach: true });
}

function uniqueId(registry, base) {
  let id = base;
  for (let n = 2; registry.get(id); n += 1) { id = `${base}_${n}`; }
  return id;
}
