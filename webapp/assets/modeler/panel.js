// The properties panel's groups for this platform: bilingual names, a lane's role, a user
// task's form, due date, priority, reminder and escalation in working days, and script and
// condition text checked by the server's sandbox as one types.
import { h } from "@bpmn-io/properties-panel/preact";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import {
  SelectEntry, TextAreaEntry, TextFieldEntry, isSelectEntryEdited, isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { is } from "bpmn-js/lib/util/ModelUtil";
import {
  bilingual, boundaryTimer, getProperty, joinName, laneKey, setProperty, setTaskTimer,
  setTimerWorkdays, timerOf, timerWorkdays,
} from "./model.js";

const WHOLE = /^\d+$/;

export function panelModule(meta) {
  function CreditflowProvider(propertiesPanel, injector) {
    this.getGroups = function (element) {
      return function (groups) {
        return [...ownGroups(element, injector, meta).map((g) => ({ ...g, shouldOpen: true })),
          ...groups];
      };
    };
    propertiesPanel.registerProvider(400, this);
  }
  CreditflowProvider.$inject = ["propertiesPanel", "injector"];
  return { __init__: ["creditflowProvider"], creditflowProvider: ["type", CreditflowProvider] };
}

function ownGroups(element, injector, meta) {
  const L = meta.labels;
  const bo = element.businessObject;
  const groups = [];
  if (bo && "name" in bo.$descriptor.propertiesByName && !is(element, "bpmn:Lane") &&
      element.type !== "label") {
    groups.push({ id: "cf-names", label: L.names, entries: [
      { id: "cf-name-zh", component: NameEntry, part: "zh", isEdited: isTextFieldEntryEdited },
      { id: "cf-name-en", component: NameEntry, part: "en", isEdited: isTextFieldEntryEdited },
    ].map((e) => bind(e, { meta, injector })) });
  }
  if (is(element, "bpmn:Lane")) {
    groups.push({ id: "cf-lane", label: L.lane, entries: [
      bind({ id: "cf-lane-role", component: LaneRoleEntry, isEdited: isSelectEntryEdited },
        { meta, injector }),
      bind({ id: "cf-lane-zh", component: LaneNameEntry, isEdited: isTextFieldEntryEdited },
        { meta, injector }),
    ] });
  }
  if (is(element, "bpmn:UserTask")) {
    const entries = [
      { id: "cf-form", component: FormEntry, isEdited: isSelectEntryEdited },
      { id: "cf-due", component: DaysEntry, property: "dueWorkingDays", label: L.due,
        isEdited: isTextFieldEntryEdited },
      { id: "cf-follow-up", component: DaysEntry, property: "followUpWorkingDays",
        label: L.followUp, isEdited: isTextFieldEntryEdited },
      { id: "cf-priority", component: PriorityEntry, isEdited: isSelectEntryEdited },
      { id: "cf-reminder", component: TaskTimerEntry, purpose: "reminder", label: L.reminder,
        isEdited: isTextFieldEntryEdited },
      { id: "cf-escalation", component: TaskTimerEntry, purpose: "escalation",
        label: L.escalation, isEdited: isTextFieldEntryEdited },
    ];
    groups.push({ id: "cf-task", label: L.task, entries: entries.map((e) => bind(e, { meta, injector })) });
  }
  if (is(element, "bpmn:BoundaryEvent") && timerOf(bo)) {
    groups.push({ id: "cf-timer", label: L.timer, entries: [
      bind({ id: "cf-timer-days", component: TimerDaysEntry, isEdited: isTextFieldEntryEdited },
        { meta, injector }),
    ] });
  }
  if (is(element, "bpmn:ScriptTask")) {
    groups.push({ id: "cf-script", label: L.script, entries: [
      bind({ id: "cf-script-text", component: CodeEntry, kind: "script",
        isEdited: isTextAreaEntryEdited }, { meta, injector }),
      bind({ id: "cf-script-check", component: CodeCheck, kind: "script" }, { meta, injector }),
    ] });
  }
  if (is(element, "bpmn:SequenceFlow") && bo.sourceRef && is(bo.sourceRef, "bpmn:Gateway")) {
    groups.push({ id: "cf-condition", label: L.condition, entries: [
      bind({ id: "cf-condition-text", component: CodeEntry, kind: "condition",
        isEdited: isTextAreaEntryEdited }, { meta, injector }),
      bind({ id: "cf-condition-check", component: CodeCheck, kind: "condition" },
        { meta, injector }),
    ] });
  }
  return groups;
}

function bind(entry, extra) {
  const Component = entry.component;
  return { ...entry, component: (props) => h(Component, { ...props, ...entry, ...extra }) };
}

function NameEntry({ element, id, part, meta }) {
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, debounce,
    label: part === "zh" ? meta.labels.nameZh : meta.labels.nameEn,
    getValue: (el) => bilingual(el.businessObject.name)[part],
    setValue: (value) => {
      const now = bilingual(element.businessObject.name);
      now[part] = value;
      modeling.updateLabel(element, joinName(now.zh, now.en));
    },
  });
}

function LaneRoleEntry({ element, id, meta }) {
  const modeling = useService("modeling");
  const L = meta.labels;
  const key = laneKey(element.businessObject.name);
  const rule = meta.lanes.find((l) => l.name === key);
  return h(SelectEntry, {
    element, id, label: L.laneRole,
    description: rule ? rule.meaning : L.laneNoRole,
    getValue: () => (rule ? key : ""),
    getOptions: () => [{ value: "", label: L.choose },
      ...meta.lanes.map((l) => ({ value: l.name, label: `${l.name}: ${l.meaning}` }))],
    setValue: (value) => modeling.updateLabel(element, joinName(zhOnly(element, meta), value)),
  });
}

/** A lane's name without its role key (the last word, when it names a lane rule). */
function zhOnly(element, meta) {
  const name = (element.businessObject.name || "").trim();
  const words = name.split(/\s+/);
  const last = words[words.length - 1].toLowerCase();
  if (meta.lanes.some((l) => l.name === last)) { return words.slice(0, -1).join(" "); }
  return name;
}

function LaneNameEntry({ element, id, meta }) {
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, debounce, label: meta.labels.nameZh,
    getValue: () => zhOnly(element, meta),
    setValue: (value) => {
      const key = laneKey(element.businessObject.name);
      const known = meta.lanes.some((l) => l.name === key);
      modeling.updateLabel(element, joinName(value, known ? key : ""));
    },
  });
}

function FormEntry({ element, id, meta }) {
  const injector = useService("injector");
  const L = meta.labels;
  const key = getProperty(element.businessObject, "formKey") || "";
  const form = meta.forms.find((f) => f.key === key);
  const description = form
    ? h("a", { href: form.url, target: "_blank", rel: "noopener", class: "cf-form-link" }, L.viewForm)
    : (key ? L.unknownForm : L.noForm);
  return h(SelectEntry, {
    element, id, label: L.form, description,
    getValue: () => key,
    getOptions: () => [{ value: "", label: L.noFormOption },
      ...(form || !key ? [] : [{ value: key, label: `${key} (${L.unknownForm})` }]),
      ...meta.forms.map((f) => ({ value: f.key, label: meta.english ? f.en : f.zh }))],
    setValue: (value) => setProperty(injector, element, "formKey", value),
  });
}

function DaysEntry({ element, id, property, label, meta }) {
  const injector = useService("injector");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, label, debounce, description: meta.labels.workingDays,
    getValue: () => getProperty(element.businessObject, property) || "",
    setValue: (value) => setProperty(injector, element, property, value),
    validate: (value) => (value && !WHOLE.test(value.trim()) ? meta.labels.wholeDays : null),
  });
}

function PriorityEntry({ element, id, meta }) {
  const injector = useService("injector");
  const L = meta.labels;
  return h(SelectEntry, {
    element, id, label: L.priority,
    getValue: () => getProperty(element.businessObject, "priority") || "",
    getOptions: () => [{ value: "", label: L.priorityDefault },
      { value: "high", label: L.high }, { value: "normal", label: L.normal },
      { value: "low", label: L.low }],
    setValue: (value) => setProperty(injector, element, "priority", value),
  });
}

function TaskTimerEntry({ element, id, purpose, label, meta }) {
  const injector = useService("injector");
  const registry = useService("elementRegistry");
  const L = meta.labels;
  const existing = boundaryTimer(registry, element, purpose);
  return h(TextFieldEntry, {
    element, id, label, debounce: useService("debounceInput"),
    description: L.timerHelp,
    getValue: () => (existing ? timerWorkdays(existing.businessObject) || "" : ""),
    setValue: (value) => setTaskTimer(injector, element, purpose, value,
      (days) => (purpose === "reminder" ? L.reminderName : L.escalationName).replace(/%d/g, days)),
    validate: (value) => (value && !WHOLE.test(value.trim()) ? L.wholeDays : null),
  });
}

function TimerDaysEntry({ element, id, meta }) {
  const injector = useService("injector");
  const L = meta.labels;
  const days = timerWorkdays(element.businessObject);
  const timer = timerOf(element.businessObject);
  const raw = timer && (timer.timeDate || timer.timeDuration || timer.timeCycle);
  return h(TextFieldEntry, {
    element, id, label: L.timerDays, debounce: useService("debounceInput"),
    description: days === null && raw && raw.body ? `${L.timerOther} ${raw.body}` : L.workingDays,
    getValue: () => days || "",
    setValue: (value) => { if (WHOLE.test(String(value).trim())) { setTimerWorkdays(injector, element, value.trim()); } },
    validate: (value) => (value && !WHOLE.test(value.trim()) ? L.wholeDays : null),
  });
}

function codeOf(element) {
  const bo = element.businessObject;
  if (is(element, "bpmn:ScriptTask")) { return bo.script || ""; }
  return (bo.conditionExpression && bo.conditionExpression.body) || "";
}

function CodeEntry({ element, id, kind, meta }) {
  const modeling = useService("modeling");
  const moddle = useService("moddle");
  return h(TextAreaEntry, {
    element, id, label: kind === "script" ? meta.labels.scriptText : meta.labels.conditionText,
    debounce: useService("debounceInput"), monospace: true, rows: 4,
    getValue: () => codeOf(element),
    setValue: (value) => {
      if (kind === "script") {
        modeling.updateProperties(element, { script: value || undefined });
      } else {
        modeling.updateProperties(element, { conditionExpression: value
          ? moddle.create("bpmn:FormalExpression", { body: value }) : undefined });
      }
    },
  });
}

function CodeCheck({ element, kind, meta }) {
  const source = codeOf(element);
  const [state, setState] = useState({ source: null, problem: null, checking: false });
  useEffect(() => {
    if (!source.trim()) { setState({ source, problem: null, checking: false }); return undefined; }
    let live = true;
    setState((s) => ({ ...s, checking: true }));
    const timer = setTimeout(() => {
      meta.check(source, kind).then((problem) => {
        if (live) { setState({ source, problem, checking: false }); }
      }).catch(() => { if (live) { setState({ source, problem: null, checking: false }); } });
    }, 400);
    return () => { live = false; clearTimeout(timer); };
  }, [source, kind]);
  const L = meta.labels;
  let text = L.checkEmpty;
  let status = "empty";
  const problem = state.problem;
  if (state.checking) { text = L.checking; status = "checking"; }
  else if (problem) { text = `${L.refused} ${problem.message}`; status = "problem"; }
  else if (source.trim() && state.source === source) { text = L.accepted; status = "ok"; }
  // The problem in the page's language, as deploy words it; the sandbox's or the parser's
  // own words quoted apart, smaller.
  const detail = status === "problem" && problem.detail
    ? h("code", { class: "problem-detail", lang: "en" }, problem.detail) : null;
  return h("div", { class: "bio-properties-panel-entry cf-check", "data-state": status,
    "data-code": status === "problem" ? problem.code : null, role: "status" },
    h("span", { class: "cf-check-text" }, text), detail);
}
