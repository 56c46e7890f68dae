// The agenda: phases with planned minutes, the current phase, and the session timer. The
// reducer applies the session-level events for every page; the panel is the console's.

import { changed, fill, h, keepFocus, plural, srOnly, syncList, t } from "./dom.js";

// Applies phase.* and timer.* events (docs/protocol.md, "Agenda and timers"); returns true
// when the event was one of them. session.closed ends the current phase and the timer too.
export function reduceSession(session, name, data, at) {
  if (name.startsWith("timer.")) {
    session.timer = data.timer ?? null;
    return true;
  }
  const phases = (session.phases ||= []);
  // Each phase event carries the whole phase (and the one it ended) as this audience sees it.
  const put = (phase) => {
    if (!phase || typeof phase !== "object") return null;
    const old = phases.find((p) => p.id === phase.id);
    if (old) return Object.assign(old, phase);
    phases.push(phase);
    return phase;
  };
  switch (name) {
    case "phase.created":
    case "phase.updated":
    case "phase.ended":
    case "phase.started": {
      put(data.previous);
      const phase = put(data.phase);
      if ("current" in data) session.phase = data.current;
      else if (name === "phase.started") session.phase = phase?.id ?? null;
      return true;
    }
    case "phase.moved": {
      // Taken out and put in front of `before` (null: at the end).
      const phase = phases.find((p) => p.id === data.phase);
      if (!phase) return true;
      phases.splice(phases.indexOf(phase), 1);
      const to = data.before == null ? -1 : phases.findIndex((p) => p.id === data.before);
      phases.splice(to < 0 ? phases.length : to, 0, phase);
      return true;
    }
    case "phase.deleted": {
      // Its activities went before it, each with its own activity.deleted.
      const index = phases.findIndex((p) => p.id === data.phase);
      if (index >= 0) phases.splice(index, 1);
      if (session.phase === data.phase) session.phase = null;
      return true;
    }
    case "session.closed": {
      const current = phases.find((p) => p.id === session.phase);
      if (current && !current.ended) current.ended = at;
      session.phase = null;
      session.timer = null;
      return false; // live.js does the rest
    }
    default:
      return false;
  }
}

export const currentPhase = (session) =>
  (session.phases || []).find((p) => p.id === session.phase) ?? null;

// "Phase 2 of 5: Collect" for the phone and the beamer, or "" without phases.
export function phaseLine(session) {
  const phases = session.phases || [];
  const phase = currentPhase(session);
  if (!phase) return "";
  return t("phase.line", { n: phases.indexOf(phase) + 1, total: phases.length, title: phase.title });
}

// Minutes a phase actually ran: from its start to its end, or to now while it runs.
export function actualMinutes(phase, now) {
  if (!phase.started) return null;
  const end = phase.ended ? Date.parse(phase.ended) : now;
  return Math.max(0, Math.round((end - Date.parse(phase.started)) / 60000));
}

function minutesText(n) {
  return n == null ? t("phase.none") : plural("phase.minutes", n);
}

// -- the console's agenda panel -------------------------------------------------------------

// Each phase lists its activities; a click on one brings its card into view in the middle.
// options.startPhase(phase) starts a phase (with its countdown and its first activity);
// options.editor (console/editor.js) adds the plan editor's buttons while the plan is edited;
// options.phaseActions(phase) more buttons of a phase (slides for it: console/slides.js).
export function agendaPanel(live, say, { startPhase, editor = null, phaseActions = null }) {
  const list = h("ol", { class: "phases" });
  const loose = h("ol", { class: "phase-activities loose" });
  const total = h("p", { class: "hint" });
  const title = h("input", { id: "phase-title", name: "title", maxlength: 200, required: true });
  const minutes = h("input", { id: "phase-minutes", name: "minutes", type: "number", min: 1,
    max: 600, inputmode: "numeric" });
  const notes = h("textarea", { id: "phase-notes", name: "notes", rows: 2, maxlength: 4000 });
  const timer = h("input", { id: "phase-timer", name: "timer", type: "number", min: 1,
    max: 600, inputmode: "numeric", "aria-describedby": "phase-timer-hint" });
  const form = h("form", { class: "stack create-phase", onsubmit: (e) => {
    e.preventDefault();
    const fields = phaseFields(title, minutes, notes, say, timer);
    if (!fields) return;
    live.send("phase.create", fields);
    form.reset();
  } },
    h("h3", {}, t("phase.new")),
    h("label", { for: title.id }, t("phase.title")), title,
    h("label", { for: minutes.id }, t("phase.planned_minutes")), minutes,
    h("label", { for: timer.id }, t("phase.timer_minutes")), timer,
    h("p", { class: "hint", id: "phase-timer-hint" }, t("phase.timer_hint")),
    h("label", { for: notes.id }, t("phase.notes")), notes,
    h("button", { type: "submit" }, t("phase.create")));
  const adding = h("details", { class: "new-phase" }, h("summary", {}, t("phase.new")), form);
  const el = h("div", { class: "stack agenda" }, total, list, loose, adding);
  let session = null;

  const editing = () => Boolean(editor?.editing());

  function item() {
    const li = h("li", { class: "phase" });
    li.show = (p) => {
      const isCurrent = session.phase === p.id;
      const actual = actualMinutes(p, live.now());
      li.classList.toggle("current", isCurrent);
      const canStart = session.status === "live" && !isCurrent && !p.ended;
      li.classList.toggle("ended", Boolean(p.ended));
      fill(li,
        h("p", { class: "phase-title" }, p.title,
          isCurrent ? h("span", { class: "tag" }, t("phase.current")) : null,
          p.ended ? h("span", { class: "tag" }, t("phase.done")) : null),
        h("p", { class: "phase-times" },
          h("span", {}, t("phase.planned", { minutes: minutesText(p.minutes) })),
          " · ",
          h("span", {}, t("phase.actual", { minutes: actual == null ? "–" : minutesText(actual) }))),
        // The plan editor's buttons of the phase: move it, add an activity to it.
        editing() && session.status !== "closed" && h("div", { class: "edit-row" }, editor.phaseTools(p)),
        activityList(session.activities.filter((a) => a.phase === p.id)),
        p.notes ? h("details", {}, h("summary", {}, t("phase.notes_summary")),
          h("p", { class: "phase-notes" }, p.notes)) : null,
        session.status !== "closed" && h("div", { class: "actions" },
          canStart && h("button", { type: "button", class: "small",
            onclick: () => startPhase(p) }, t("phase.start")),
          h("button", { type: "button", class: "small", "data-focus": `${p.id}:edit`,
            onclick: () => li.edit(p) }, t("phase.edit"), srOnly(t("editor.named", { title: p.title }))),
          phaseActions?.(p)));
    };
    li.edit = (p) => {
      li.editing = true;
      const id = `phase-${p.id}`;
      const eTitle = h("input", { id: `${id}-title`, maxlength: 200, required: true, value: p.title });
      const eMinutes = h("input", { id: `${id}-minutes`, type: "number", min: 1, max: 600,
        inputmode: "numeric", value: p.minutes ?? "" });
      const eNotes = h("textarea", { id: `${id}-notes`, rows: 2, maxlength: 4000 });
      eNotes.value = p.notes ?? "";
      const eTimer = h("input", { id: `${id}-timer`, type: "number", min: 1, max: 600,
        inputmode: "numeric", value: p.timer ?? "", "aria-describedby": `${id}-timer-hint` });
      const done = () => {
        li.editing = false;
        li.signature = null;
        li.show(findPhase(p.id) || p);
        li.querySelector("button")?.focus();
      };
      fill(li, h("form", { class: "stack", onsubmit: (e) => {
        e.preventDefault();
        const fields = phaseFields(eTitle, eMinutes, eNotes, say, eTimer);
        if (!fields) return;
        live.send("phase.update", { phase: p.id, ...fields });
        done();
      } },
        h("label", { for: eTitle.id }, t("phase.title")), eTitle,
        h("label", { for: eMinutes.id }, t("phase.planned_minutes")), eMinutes,
        h("label", { for: eTimer.id }, t("phase.timer_minutes")), eTimer,
        h("p", { class: "hint", id: `${id}-timer-hint` }, t("phase.timer_hint")),
        h("label", { for: eNotes.id }, t("phase.notes")), eNotes,
        h("div", { class: "actions" },
          h("button", { type: "submit", class: "primary" }, t("idea.save")),
          h("button", { type: "button", onclick: done }, t("common.cancel")),
          // A phase that never ran can go, with its activities (the server refuses otherwise).
          editor && !p.started && h("button", { type: "button", class: "danger",
            onclick: async () => { if (await editor.deletePhase(p)) done(); } }, t("phase.delete")))));
      eTitle.focus();
    };
    return li;
  }

  // The activities of a phase, one line each: number, title, where it stands.
  function activityList(activities) {
    if (!activities.length) return null;
    return h("ol", { class: "phase-activities" }, activities.map(activityItem));
  }

  function activityItem(a) {
    const number = session.activities.indexOf(a) + 1;
    const state = a.id === session.current ? (a.status === "locked" ? "shown" : "open")
      : a.status === "draft" ? "planned" : a.status === "active" ? "open" : "done";
    return h("li", { class: `agenda-activity ${state}${a.id === session.current ? " current" : ""}${a.hidden ? " hidden-activity" : ""}`,
      "data-activity": a.id, draggable: editing() ? "true" : null },
      h("span", { class: "agenda-line" },
        h("a", { href: `#card-${a.id}`, onclick: (e) => {
          e.preventDefault();
          const card = document.getElementById(`card-${a.id}`);
          card?.scrollIntoView({ block: "start" });
          card?.querySelector("h3")?.focus({ preventScroll: true });
        } }, `${number}. ${a.title}`),
        " ", h("span", { class: "mini" }, t(`agenda.state.${state}`)),
        a.revealed ? h("span", { class: "mini" }, t("activity.revealed")) : null,
        a.hidden ? h("span", { class: "mini" }, t("editor.hidden_tag")) : null),
      editing() ? editor.activityTools(a) : null);
  }

  const findPhase = (id) => (session?.phases || []).find((p) => p.id === id);

  function update(next) {
    session = next;
    const phases = session.phases || [];
    const planned = phases.reduce((sum, p) => sum + (p.minutes || 0), 0);
    total.textContent = phases.length ? t("phase.total", { minutes: minutesText(planned) }) : t("phase.empty");
    const activities = [editing(), phases.map((p) => [p.id, p.title]),
      session.activities.map((a) => [a.id, a.title, a.phase, a.status, a.revealed, a.hidden, a.touched])];
    // The plan editor's buttons are rebuilt when the plan changes: the focus stays on the
    // same button of the same phase or activity (data-focus), wherever it moved to.
    const focused = document.activeElement?.closest?.("[data-focus]");
    const wasHere = focused && el.contains(focused) ? focused.dataset.focus : null;
    keepFocus(list, () => syncList(list, phases, (p) => p.id, item, (li, p) => {
      if (!li.editing && changed(li, p, session.phase, session.status, session.current, activities,
        actualMinutes(p, live.now()))) li.show(p);
    }));
    const known = new Set(phases.map((p) => p.id));
    const rest = session.activities.filter((a) => !known.has(a.phase));
    if (changed(loose, session.current, activities, phases.length)) {
      fill(loose, phases.length && rest.length ? h("li", { class: "loose-title" }, t("phase.no_phase")) : null,
        rest.map(activityItem));
    }
    const now = document.activeElement;
    if (wasHere && (now?.dataset?.focus !== wasHere || now.disabled)) refocus(wasHere);
    adding.hidden = session.status === "closed";
  }

  function refocus(key) {
    const [id] = key.split(":");
    const same = el.querySelector(`[data-focus="${key}"]`);
    const sibling = [...el.querySelectorAll("[data-focus]")]
      .find((b) => b.dataset.focus.startsWith(`${id}:`) && !b.disabled);
    (same && !same.disabled ? same : sibling)?.focus();
  }

  // The running phase's actual minutes grow without any event.
  setInterval(() => { if (session?.phase) update(session); }, 15000);
  return { el, update };
}

function phaseFields(title, minutes, notes, say, timer = null) {
  const fields = { title: title.value.trim() };
  if (!fields.title) {
    say(t("phase.title_missing"), "error");
    return null;
  }
  const n = minutes.value === "" ? null : Number(minutes.value);
  if (n !== null && (!Number.isInteger(n) || n < 1 || n > 600)) {
    say(t("timer.minutes_invalid"), "error");
    return null;
  }
  fields.minutes = n;
  if (timer) {
    const m = timer.value === "" ? null : Number(timer.value);
    if (m !== null && (!Number.isInteger(m) || m < 1 || m > 600)) {
      say(t("timer.minutes_invalid"), "error");
      return null;
    }
    fields.timer = m;
  }
  fields.notes = notes.value.trim() || null;
  return fields;
}
