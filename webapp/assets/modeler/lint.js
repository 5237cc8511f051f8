// Live lint: a few of bpmnlint's own rules, and ours for what the server's deploy checks
// refuse (a user task in a lane without a role, an unknown form, due days or priority that
// are not valid) or what the law counts otherwise (a timer not in working days). The
// configuration is bundled here at build time: nothing is fetched at run time.
import startEventRequired from "bpmnlint/rules/start-event-required";
import endEventRequired from "bpmnlint/rules/end-event-required";
import noDisconnected from "bpmnlint/rules/no-disconnected";
import noImplicitSplit from "bpmnlint/rules/no-implicit-split";
import { is } from "bpmnlint-utils";
import { allProperties, laneKey, WORKDAY_TIMER } from "./model.js";

const PRIORITIES = ["high", "normal", "low"];
let META = { lanes: [], forms: [], labels: {} };

function lanesOf(process) {
  const found = [];
  const visit = (set) => (set ? set.lanes || [] : []).forEach((lane) => {
    found.push(lane);
    visit(lane.childLaneSet);
  });
  (process.laneSets || []).forEach(visit);
  return found;
}

function known(lane) {
  return META.lanes.some((l) => l.name === laneKey(lane.name));
}

function laneRole() {
  return { check(node, reporter) {
    if (!is(node, "bpmn:Lane") || known(node)) { return; }
    const nested = node.childLaneSet && (node.childLaneSet.lanes || []).length;
    if (!nested) { reporter.report(node.id, META.labels.lintLaneRole); }
  } };
}

function userTaskLane() {
  return { check(node, reporter) {
    if (!is(node, "bpmn:Process")) { return; }
    const lanes = lanesOf(node);
    (node.flowElements || []).filter((e) => is(e, "bpmn:UserTask")).forEach((task) => {
      const lane = lanes.find((l) => (l.flowNodeRef || []).includes(task));
      if (!lane || !known(lane)) { reporter.report(task.id, META.labels.lintTaskLane); }
    });
  } };
}

function userTaskProperties() {
  return { check(node, reporter) {
    if (!is(node, "bpmn:UserTask")) { return; }
    const props = allProperties(node);
    if (props.formKey && !META.forms.some((f) => f.key === props.formKey)) {
      reporter.report(node.id, META.labels.lintForm.replace("%s", props.formKey));
    }
    ["dueWorkingDays", "followUpWorkingDays"].forEach((name) => {
      if (props[name] !== undefined && !/^\s*\d+\s*$/.test(props[name])) {
        reporter.report(node.id, META.labels.lintDays);
      }
    });
    if (props.priority !== undefined && !PRIORITIES.includes(props.priority)) {
      reporter.report(node.id, META.labels.lintPriority);
    }
  } };
}

function timerWorkingDays() {
  return { check(node, reporter) {
    if (!is(node, "bpmn:TimerEventDefinition")) { return; }
    const owner = node.$parent;
    const value = node.timeDate || node.timeDuration || node.timeCycle;
    if (!value || !String(value.body || "").trim()) {
      reporter.report(owner.id, META.labels.lintTimerEmpty);
      return;
    }
    if (is(owner, "bpmn:BoundaryEvent") && !node.timeDate) {
      reporter.report(owner.id, META.labels.lintTimerDays);
    } else if (node.timeDate && /^\s*\d/.test(value.body) && !WORKDAY_TIMER.test(value.body)) {
      reporter.report(owner.id, META.labels.lintTimerDays);
    }
  } };
}

const RULES = {
  "start-event-required": startEventRequired,
  "end-event-required": endEventRequired,
  "no-disconnected": noDisconnected,
  "no-implicit-split": noImplicitSplit,
  "lane-role": laneRole,
  "user-task-lane": userTaskLane,
  "user-task-properties": userTaskProperties,
  "timer-working-days": timerWorkingDays,
};

const resolver = {
  resolveRule(pkg, name) {
    const rule = RULES[name];
    if (!rule) { throw new Error(`unknown rule <${pkg}/${name}>`); }
    return rule;
  },
  resolveConfig(pkg, name) { throw new Error(`unknown config <${pkg}/${name}>`); },
};

export function lintConfig(meta) {
  META = meta;
  return {
    resolver,
    config: { rules: {
      "start-event-required": "error",
      "end-event-required": "error",
      "no-disconnected": "warn",
      "no-implicit-split": "warn",
      "creditflow/lane-role": "error",
      "creditflow/user-task-lane": "error",
      "creditflow/user-task-properties": "error",
      "creditflow/timer-working-days": "error",
    } },
  };
}
