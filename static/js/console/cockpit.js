// The console's "Weiter" (next) and "zurück" (back): where the session is in its plan and what
// one press does next. Pure functions of the moderator's session view; moderator.js sends the
// commands. The order is written down for moderators in docs/moderator-guide.md ("The cockpit").
//
// The plan is walked in order: each phase, then its activities (in the order of the list),
// then the activities without a phase. Per activity: open it, then its own stages (stagesOf),
// then the next activity; a phase without activities left ends with the next phase's start;
// after the last step the session is closed (after a confirmation).

import { plural, t } from "../dom.js";

const VOTES = new Set(["poll", "dots", "ranking", "scale", "matrix", "consent"]);

// What a kind's input is called on the button ("Abstimmung schließen", "Ideensammlung öffnen").
const noun = (kind) => (VOTES.has(kind) ? "vote" : kind);

// The stages of an activity after it was opened. Results come after the input is closed,
// except for an idea wall with support: the phones need the wall to support ideas on it.
export function stagesOf(activity) {
  if (activity.kind === "slides") return []; // its pages are its steps (slideStep)
  if (activity.kind === "ideas" && activity.config?.support) return ["reveal", "lock"];
  return ["lock", "reveal"];
}

const done = (activity, stage) => (stage === "lock" ? activity.status === "locked" : Boolean(activity.revealed));

// Locked with its results shown: nothing left to do. A locked activity without its results
// (the moderator went back past it, or on) is taken up again.
// Slides have no stages: shown once, they are done.
const finished = (activity) => (activity.kind === "slides" ? activity.status !== "draft"
  : stagesOf(activity).every((stage) => done(activity, stage)));

// Slides on the screens step page by page: the next (by 1) or previous (by -1) page, or null
// at the end (then the plan goes on) or without a deck.
function slideStep(activity, by) {
  const pages = activity.deck?.pages?.length ?? 0;
  const page = (activity.page || 1) + by;
  if (activity.kind !== "slides" || !pages || page < 1 || page > pages) return null;
  return {
    label: t(by > 0 ? "next.slide" : "back.slide"),
    what: t("slides.page_of", { page, pages }),
    commands: [["slides.show", { activity: activity.id, page }]],
  };
}

export function sequence(session) {
  const phases = session.phases || [];
  const known = new Set(phases.map((p) => p.id));
  const steps = [];
  // Activities the moderator hid (in the plan editor) are not steps.
  const shown = session.activities.filter((a) => !a.hidden);
  for (const phase of phases) {
    steps.push({ phase });
    for (const activity of shown) if (activity.phase === phase.id) steps.push({ activity });
  }
  for (const activity of shown) if (!known.has(activity.phase)) steps.push({ activity });
  return steps;
}

export function currentActivity(session) {
  return session.activities.find((a) => a.id === session.current) ?? null;
}

const stageStep = (activity, stage) => ({
  label: stage === "lock" ? t(`next.lock.${noun(activity.kind)}`) : t("next.reveal"),
  what: activity.title,
  commands: [[stage === "lock" ? "activity.lock" : "activity.reveal", { activity: activity.id }]],
});

function activateStep(activity) {
  return {
    label: t(`next.activate.${noun(activity.kind)}`),
    what: activity.title,
    commands: [["activity.activate", { activity: activity.id }]],
  };
}

// Starting a phase starts its countdown (its own timer minutes, else its planned minutes) and
// opens its first activity that is not finished yet.
export function phaseCommands(session, phase) {
  const commands = [["phase.start", { phase: phase.id }]];
  const minutes = phase.timer ?? phase.minutes;
  if (minutes) commands.push(["timer.start", { seconds: minutes * 60, label: phase.title }]);
  const first = session.activities.find((a) => a.phase === phase.id && !a.hidden && !finished(a));
  if (first) commands.push(["activity.activate", { activity: first.id }]);
  return commands;
}

function phaseStep(session, phase) {
  const n = (session.phases || []).indexOf(phase) + 1;
  return {
    label: t("next.phase", { n }),
    what: [phase.title, phase.minutes && plural("phase.minutes", phase.minutes)].filter(Boolean).join(" · "),
    commands: phaseCommands(session, phase),
  };
}

// The next step: {label, what, commands, confirm?}, or null when the session is over.
export function nextStep(session) {
  switch (session.status) {
    case "draft":
      return { label: t("next.open"), what: t("next.open_what"), commands: [["session.open", {}]] };
    case "open":
      return { label: t("next.start"), what: t("next.start_what"), commands: [["session.start", {}]] };
    case "live":
      break;
    default:
      return null;
  }
  const steps = sequence(session);
  const current = currentActivity(session);
  if (current) {
    const stage = stagesOf(current).find((s) => !done(current, s));
    if (stage) return stageStep(current, stage);
    const slide = slideStep(current, 1);
    if (slide) return slide;
  }
  // Where the session stands: the later of the current activity and the current phase.
  const position = Math.max(
    steps.findIndex((s) => current && s.activity?.id === current.id),
    steps.findIndex((s) => s.phase && s.phase.id === session.phase));
  for (const step of steps.slice(position + 1)) {
    if (step.phase && !step.phase.ended && step.phase.id !== session.phase) return phaseStep(session, step.phase);
    if (step.activity && !finished(step.activity)) return activateStep(step.activity);
  }
  return { label: t("next.close"), what: t("next.close_what"), commands: [], confirm: "close" };
}

// One step back where that is safe: undo the current activity's last stage (hide the results,
// reopen the input), else show the activity before it again. null: nothing to go back to.
export function backStep(session) {
  if (session.status !== "live") return null;
  const current = currentActivity(session);
  if (!current) return null;
  const slide = slideStep(current, -1);
  if (slide) return slide;
  const stage = [...stagesOf(current)].reverse().find((s) => done(current, s));
  if (stage === "reveal") {
    return { label: t("back.conceal"), what: current.title,
      commands: [["activity.conceal", { activity: current.id }]] };
  }
  if (stage === "lock") {
    return { label: t("back.unlock"), what: current.title,
      commands: [["activity.unlock", { activity: current.id }]] };
  }
  const steps = sequence(session);
  const index = steps.findIndex((s) => s.activity?.id === current.id);
  const previous = steps.slice(0, Math.max(index, 0)).reverse().find((s) => s.activity)?.activity;
  if (!previous) return null;
  return { label: t("back.previous"), what: previous.title,
    commands: [["activity.activate", { activity: previous.id }]] };
}
