// The plan editor of the console (docs/moderator-guide.md, "Preparing and editing the plan"):
// the agenda's move buttons, the dialog that edits an activity with the same form that
// created it (templates/moderator/activities/<kind>.html, rendered a second time with ids
// "edit-…"), the session's details, the plan as a file and as a template. Every change is a
// command (docs/protocol.md, "Editing the plan"); the server says what is allowed, and its
// refusal is shown where the change was asked for.

import { $, announce, h, json, srOnly, t } from "../dom.js";
import { mediaUrl, upload } from "../media.js";
import { KINDS } from "./index.js";
import { showSourceParts, syncSourceFields } from "./items.js";

// The settings each kind's form owns; any other setting of an activity's config (one a plan
// file set, such as a poll's max_choices) is kept as it was.
const FORM_KEYS = {
  ideas: ["live_wall", "premoderation", "support", "max_per_participant", "clusters"],
  poll: ["options", "multiple"],
  dots: ["items", "dots", "per_item"],
  ranking: ["items", "top"],
  scale: ["items", "min", "max", "criteria", "labels"],
  matrix: ["items", "steps", "x", "y"],
  consent: ["secret", "majority", "quorum"],
  words: ["max_words"],
  qa: ["premoderation"],
  measure: ["fields"],
};

// A measure field's type as the form writes it ("label | short").
const TYPE_WORDS = { text: "short", long: "long", rows: "steps", date: "date" };

const lines = (list) => (list || []).map((x) => (typeof x === "string" ? x : x.label ?? x.name ?? "")).join("\n");

function itemsFill(items) {
  if (!items || Array.isArray(items)) return { items_from: "", items: lines(items) };
  const take = String(items.take || "all");
  if (take.startsWith("top:")) return { items_from: items.from, items_take: "top", items_top: take.slice(4) };
  return { items_from: items.from, items_take: take };
}

// The form's fields of a config: the inverse of each kind's configFrom.
const FILL = {
  ideas: (c) => ({ live_wall: c.live_wall, premoderation: c.premoderation, support: c.support,
    max_per_participant: c.max_per_participant ?? 20, clusters: lines(c.clusters) }),
  poll: (c) => ({ options: lines(c.options), multiple: c.multiple }),
  dots: (c) => ({ ...itemsFill(c.items), dots: c.dots, per_item: c.per_item }),
  ranking: (c) => ({ ...itemsFill(c.items), top: c.top ?? "" }),
  scale: (c) => ({ ...itemsFill(c.items), criteria: lines(c.criteria), min: c.min, max: c.max,
    low: c.labels?.[String(c.min)] ?? "", high: c.labels?.[String(c.max)] ?? "" }),
  matrix: (c) => ({ ...itemsFill(c.items), steps: c.steps,
    x_label: c.x?.label, x_low: c.x?.low, x_high: c.x?.high,
    y_label: c.y?.label, y_low: c.y?.low, y_high: c.y?.high }),
  consent: (c) => ({ secret: c.secret, majority: c.majority, quorum: c.quorum ?? 0 }),
  words: (c) => ({ max_words: c.max_words }),
  qa: (c) => ({ premoderation: c.premoderation }),
  measure: (c) => ({ fields: (c.fields || []).map((f) => `${f.label} | ${TYPE_WORDS[f.type] ?? f.type}`).join("\n") }),
};

function setField(form, name, value) {
  const field = form.elements.namedItem(name);
  if (!field || value === undefined) return;
  if (field.type === "checkbox") field.checked = Boolean(value);
  else field.value = value ?? "";
}

// Fills an edit form with an activity as the moderator's view has it. The source selects
// list the session's other activities (an activity cannot take its items from itself).
export function fillForm(form, view, session) {
  setField(form, "title", view.title);
  setField(form, "prompt", view.prompt ?? "");
  setField(form, "per_group", Boolean(view.per_group));
  const values = FILL[view.kind]?.(view.config || {}) ?? {};
  const fieldset = form.querySelector(".items-fields");
  if (fieldset) {
    syncSourceFields(form, session, view.id);
    setField(form, "items_from", values.items_from);
    syncSourceFields(form, session, view.id); // the clusters of the source chosen
  }
  for (const [name, value] of Object.entries(values)) if (name !== "items_from") setField(form, name, value);
  if (fieldset) showSourceParts(fieldset);
}

// The config an edit form describes, over the activity's config as it was.
export function configOf(form, kind, original = {}) {
  const made = KINDS[kind]?.configFrom?.(new FormData(form)) ?? {};
  const config = Object.fromEntries(Object.entries(original || {})
    .filter(([key]) => !FORM_KEYS[kind]?.includes(key)));
  Object.assign(config, made);
  if (kind === "poll" && (!config.multiple || config.max_choices > config.options.length)) delete config.max_choices;
  if (kind === "measure" && config.fields) {
    // A field whose label and type stayed keeps its id and its limit.
    const taken = new Set();
    config.fields = config.fields.map((field) => {
      const was = (original?.fields || []).find((f) => f.label === field.label && f.type === field.type && !taken.has(f.id));
      const kept = was ? { id: was.id, label: field.label, type: field.type, ...(was.limit != null && { limit: was.limit }) } : field;
      taken.add(kept.id);
      return kept;
    });
  }
  return config;
}

// Where a move button puts an activity: {phase, before} for activity.move, or null. Within
// its phase one place up or down; the first of a phase goes up to the end of the phase
// before, the last goes down to the start of the next one (after the last phase: among those
// without a phase).
export function activityMove(session, activity, step) {
  const phases = session.phases || [];
  const known = new Set(phases.map((p) => p.id));
  const phaseOf = (a) => (known.has(a.phase) ? a.phase : null);
  const own = phaseOf(activity);
  const group = session.activities.filter((a) => phaseOf(a) === own);
  const i = group.indexOf(activity);
  const at = own == null ? phases.length : phases.findIndex((p) => p.id === own);
  if (step < 0) {
    if (i > 0) return { phase: own, before: group[i - 1].id };
    return at > 0 ? { phase: phases[at - 1].id, before: null } : null;
  }
  if (i < group.length - 1) return { phase: own, before: group[i + 2]?.id ?? null };
  if (own == null) return null;
  const next = phases[at + 1]?.id ?? null;
  const first = session.activities.find((a) => phaseOf(a) === next);
  return { phase: next, before: first?.id ?? null };
}

// Where a move button puts a phase: {before} for phase.move, or null at either end.
export function phaseMove(session, phase, step) {
  const phases = session.phases || [];
  const i = phases.indexOf(phase);
  if (step < 0) return i > 0 ? { before: phases[i - 1].id } : null;
  return i >= 0 && i < phases.length - 1 ? { before: phases[i + 2]?.id ?? null } : null;
}

// A question before something that cannot be undone: resolves to true for "yes".
export function confirmEdit({ title, text, yes }) {
  const dialog = $("#confirm-edit");
  $("#h-confirm-edit").textContent = title;
  $("#confirm-edit-text").textContent = text;
  $("#confirm-edit-yes").textContent = yes;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
  });
}

function showError(el, text) {
  el.textContent = text || "";
  el.hidden = !text;
}

// Commands sent from a dialog: it closes when all are acknowledged and shows the server's
// refusal in itself otherwise.
function waiter(live, dialog, error, done) {
  let waiting = new Set();
  live.on("ack", (command, ack) => {
    if (!waiting.has(command?.id)) return;
    waiting.delete(command.id);
    if (waiting.size) return;
    if (dialog.open) dialog.close();
    done(command, ack);
  });
  live.on("error", (command, problem) => {
    if (!waiting.has(command?.id)) return;
    waiting = new Set();
    showError(error, problem.message);
  });
  return (ids) => {
    showError(error, "");
    waiting = new Set(ids);
    if (!ids.length && dialog.open) dialog.close();
  };
}

export function planEditor({ live, say }) {
  const session = () => live.state?.session;
  const find = (id) => session()?.activities.find((a) => a.id === id) ?? null;
  const closed = () => ["closed", "deleted"].includes(session()?.status);
  const grid = $(".cockpit-grid");
  const toggle = $("#plan-edit");
  const tools = $("#plan-tools");
  let chosen = null; // the moderator's choice; until then the plan is edited while in draft
  const listeners = [];

  const editing = () => !closed() && (chosen ?? session()?.status === "draft");

  function showMode() {
    const on = editing();
    toggle.hidden = !session() || closed();
    toggle.setAttribute("aria-pressed", String(on));
    toggle.textContent = t("editor.edit");
    tools.hidden = !on;
    grid.classList.toggle("editing", on);
  }
  toggle.addEventListener("click", () => {
    chosen = !editing();
    showMode();
    for (const fn of listeners) fn();
  });

  // -- one activity ------------------------------------------------------------------------

  const dialog = $("#activity-editor");
  const error = $("#activity-editor-error");
  // The edit forms say their kind as data-edit-kind (data-kind is the create forms').
  const forms = new Map([...dialog.querySelectorAll("form[data-edit-kind]")].map((f) => [f.dataset.editKind, f]));
  let open = null; // {id, form, baseline}
  const wait = waiter(live, dialog, error, (command, ack) => {
    if (command.type === "activity.duplicate") say(t("editor.duplicated"));
    else if (command.type === "activity.hide") say(t(command.hidden ? "editor.hidden" : "editor.shown"));
    else say(t("editor.saved"));
    focusAgenda(ack?.result?.activity ?? command.activity);
  });

  function phaseSelect(form, view) {
    const select = form.elements.namedItem("phase");
    const phases = session().phases || [];
    select.closest(".phase-field").hidden = !phases.length && !view.phase;
    select.replaceChildren(h("option", { value: "" }, t("phase.no_phase")),
      ...phases.map((p) => h("option", { value: p.id }, p.title)));
    select.value = view.phase ?? "";
  }

  function openActivity(id) {
    const view = find(id);
    const form = view && forms.get(view.kind);
    if (!form) return;
    for (const other of forms.values()) other.hidden = other !== form;
    form.reset();
    phaseSelect(form, view);
    fillForm(form, view, session());
    const touched = Boolean(view.touched);
    for (const field of form.elements) {
      if (field.matches("button, [name=title], [name=prompt], [name=phase]")) continue;
      field.disabled = touched;
    }
    $("#activity-editor-touched").hidden = !touched;
    const current = session().current === view.id;
    const hide = dialog.querySelector("[data-edit=hide]");
    hide.textContent = t(view.hidden ? "editor.show" : "editor.hide");
    dialog.querySelector("[data-edit=delete]").hidden = touched || current;
    $("#activity-editor-why").textContent = touched || current ? t("editor.why_hide") : "";
    showError(error, "");
    open = { id, form, baseline: JSON.stringify(configOf(form, view.kind, view.config)) };
    dialog.showModal();
    form.elements.namedItem("title").focus();
  }

  for (const form of forms.values()) {
    form.addEventListener("change", (e) => {
      const fieldset = e.target.closest(".items-fields");
      if (!fieldset) return;
      if (e.target.matches("[data-items-from]")) syncSourceFields(form, session(), open?.id);
      showSourceParts(fieldset);
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const view = open && find(open.id);
      if (!view) return dialog.close();
      const fields = {};
      const title = form.elements.namedItem("title").value.trim();
      if (title !== view.title) fields.title = title;
      const prompt = form.elements.namedItem("prompt").value.trim();
      if (prompt !== (view.prompt || "")) fields.prompt = prompt;
      if (!view.touched) {
        const config = configOf(form, view.kind, view.config);
        if (JSON.stringify(config) !== open.baseline) fields.config = config;
        const perGroup = form.elements.namedItem("per_group").checked;
        if (perGroup !== Boolean(view.per_group)) fields.per_group = perGroup;
      }
      const ids = [];
      if (Object.keys(fields).length) ids.push(live.send("activity.update", { activity: view.id, ...fields }));
      const phase = form.elements.namedItem("phase").value || null;
      if (phase !== (view.phase ?? null)) ids.push(live.send("activity.move", { activity: view.id, phase, before: null }));
      wait(ids);
    });
  }
  dialog.addEventListener("click", async (e) => {
    const button = e.target.closest("button");
    if (!button) return;
    if (button.matches("[data-cancel]")) return dialog.close();
    const view = open && find(open.id);
    if (!view) return;
    switch (button.dataset.edit) {
      case "duplicate":
        return wait([live.send("activity.duplicate", { activity: view.id })]);
      case "hide":
        return wait([live.send("activity.hide", { activity: view.id, hidden: !view.hidden })]);
      case "delete":
        if (await confirmEdit({ title: t("editor.delete_title", { title: view.title }),
          text: t("editor.delete_text"), yes: t("editor.delete") })) {
          wait([live.send("activity.delete", { activity: view.id })]);
        }
        return undefined;
      default:
        return undefined;
    }
  });

  // After a change the focus goes back to the agenda's line of the activity (or its card).
  function focusAgenda(id) {
    requestAnimationFrame(() => {
      const target = document.querySelector(`[data-focus="${id}:edit"]`) ?? document.querySelector(`#card-${id} h3`);
      target?.focus();
    });
  }

  // -- the agenda's buttons ------------------------------------------------------------------

  // An arrow for the eye, its meaning for screen readers (and as the tooltip).
  const small = (label, name, focus, onclick, extra = {}) =>
    h("button", { type: "button", class: "small", title: name, "data-focus": focus, onclick, ...extra },
      h("span", { "aria-hidden": "true" }, label), srOnly(name));

  // The move and edit buttons of an activity's line in the agenda.
  function activityTools(a) {
    const s = session();
    const up = activityMove(s, a, -1);
    const down = activityMove(s, a, 1);
    const move = (where) => live.send("activity.move", { activity: a.id, ...where });
    return h("div", { class: "edit-row" },
      small("↑", t("editor.up", { title: a.title }), `${a.id}:up`, () => up && move(up), { disabled: !up }),
      small("↓", t("editor.down", { title: a.title }), `${a.id}:down`, () => down && move(down), { disabled: !down }),
      small("✎", `${t("editor.edit_short")}${t("editor.named", { title: a.title })}`, `${a.id}:edit`,
        () => openActivity(a.id), { "aria-haspopup": "dialog" }));
  }

  // The move buttons and "add an activity here" of a phase.
  function phaseTools(p) {
    const s = session();
    const up = phaseMove(s, p, -1);
    const down = phaseMove(s, p, 1);
    const move = (where) => live.send("phase.move", { phase: p.id, ...where });
    return [
      small("↑", t("editor.phase_up", { title: p.title }), `${p.id}:up`, () => up && move(up), { disabled: !up }),
      small("↓", t("editor.phase_down", { title: p.title }), `${p.id}:down`, () => down && move(down), { disabled: !down }),
      h("button", { type: "button", class: "small", "data-focus": `${p.id}:add`, onclick: () => addInto(p) },
        t("editor.add"), srOnly(t("editor.into", { title: p.title }))),
    ];
  }

  // "Add an activity here": the new-activity forms with this phase chosen.
  function addInto(phase) {
    for (const select of document.querySelectorAll("form.create[data-kind] select[name=phase]")) {
      select.value = phase.id;
    }
    const panel = $(".area-new");
    panel.scrollIntoView({ block: "start" });
    $("#new-kind").focus({ preventScroll: true });
    say(t("editor.adding_into", { title: phase.title }));
  }

  async function deletePhase(phase) {
    const ok = await confirmEdit({ title: t("editor.phase_delete_title", { title: phase.title }),
      text: t("editor.phase_delete_text"), yes: t("editor.phase_delete") });
    if (ok) live.send("phase.delete", { phase: phase.id });
    return ok;
  }

  // Drag and drop, for the mouse (the buttons are the keyboard's way): an activity dropped on
  // another goes in front of it, dropped on a phase to the end of that phase.
  const agendaEl = $("#agenda");
  let dragged = null;
  const dropTarget = (e) => {
    const li = e.target.closest?.("li[data-activity]");
    if (li && li.dataset.activity !== dragged) {
      return { el: li, phase: li.closest(".phase")?.dataset.key ?? null, before: li.dataset.activity };
    }
    const phase = e.target.closest?.(".phase");
    return phase && !li ? { el: phase, phase: phase.dataset.key, before: null } : null;
  };
  const unmark = () => {
    for (const el of agendaEl.querySelectorAll(".dragging, .drop-target")) el.classList.remove("dragging", "drop-target");
  };
  agendaEl.addEventListener("dragstart", (e) => {
    const li = e.target.closest?.("li[data-activity]");
    if (!li || !editing()) return;
    dragged = li.dataset.activity;
    e.dataTransfer.setData("text/plain", dragged);
    e.dataTransfer.effectAllowed = "move";
    li.classList.add("dragging");
  });
  agendaEl.addEventListener("dragend", () => {
    dragged = null;
    unmark();
  });
  agendaEl.addEventListener("dragover", (e) => {
    const to = dragged && dropTarget(e);
    if (!to) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    if (!to.el.classList.contains("drop-target")) {
      for (const el of agendaEl.querySelectorAll(".drop-target")) el.classList.remove("drop-target");
      to.el.classList.add("drop-target");
    }
  });
  agendaEl.addEventListener("drop", (e) => {
    const to = dragged && dropTarget(e);
    if (!to) return;
    e.preventDefault();
    live.send("activity.move", { activity: dragged, phase: to.phase, before: to.before });
    dragged = null;
    unmark();
  });

  // -- the session's details ---------------------------------------------------------------

  const details = $("#session-details");
  const detailsForm = $("#details-form");
  const detailsWait = waiter(live, details, $("#details-error"), () => say(t("editor.details_saved")));
  $("#details-open").addEventListener("click", () => {
    const s = session();
    const field = (name) => detailsForm.elements.namedItem(name);
    field("title").value = s.title ?? "";
    field("place").value = s.place ?? "";
    field("organisation").value = s.organisation ?? "";
    field("moderators").value = (s.moderators || []).join("\n");
    field("names").checked = Boolean(s.names);
    field("language").value = s.language ?? "de";
    $("#details-draft").disabled = s.status !== "draft";
    showLogo(s);
    announce($("#details-logo-feedback"), "");
    showError($("#details-error"), "");
    details.showModal();
    field("title").focus();
  });
  detailsForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const s = session();
    const field = (name) => detailsForm.elements.namedItem(name);
    const wanted = {
      title: field("title").value.trim(),
      place: field("place").value.trim() || null,
      organisation: field("organisation").value.trim() || null,
      moderators: field("moderators").value.split("\n").map((l) => l.trim()).filter(Boolean),
    };
    if (s.status === "draft") Object.assign(wanted, { names: field("names").checked, language: field("language").value });
    const fields = Object.fromEntries(Object.entries(wanted)
      .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(s[key] ?? (key === "moderators" ? [] : null))));
    detailsWait(Object.keys(fields).length ? [live.send("session.update", fields)] : []);
  });

  // The session's own logo for its documentation: uploaded and removed by HTTP (docs/http.md);
  // the event session.logo_set brings it into the view.
  const config = json("config");
  const logoBase = `/moderate/${encodeURIComponent(config.code)}/${encodeURIComponent(config.token)}/logo`;
  const logoFeedback = $("#details-logo-feedback");
  function showLogo(s) {
    const preview = $("#details-logo-preview");
    preview.hidden = !s.logo;
    if (s.logo) preview.src = mediaUrl(config.code, s.logo);
    else preview.removeAttribute("src");
    $("#details-logo-remove").hidden = !s.logo;
  }
  async function sendLogo(url, data, said) {
    for (const button of [$("#details-logo-upload"), $("#details-logo-remove")]) button.disabled = true;
    try {
      const answer = await upload(url, data);
      showLogo({ ...session(), logo: answer.logo });
      announce(logoFeedback, said);
      $("#details-logo-file").value = "";
    } catch (error) {
      announce(logoFeedback, error.message, "error");
    } finally {
      for (const button of [$("#details-logo-upload"), $("#details-logo-remove")]) button.disabled = false;
    }
  }
  $("#details-logo-upload").addEventListener("click", () => {
    const file = $("#details-logo-file").files?.[0];
    if (!file) return announce(logoFeedback, t("editor.logo_choose"), "error");
    const data = new FormData();
    data.append("file", file);
    return sendLogo(logoBase, data, t("editor.logo_saved"));
  });
  $("#details-logo-remove").addEventListener("click", () => sendLogo(`${logoBase}/remove`, new FormData(),
    t("editor.logo_removed")));

  // -- the plan as a template on the server --------------------------------------------------

  const template = $("#template-save");
  const templateForm = $("#template-form");
  $("#template-open").addEventListener("click", () => {
    showError($("#template-error"), "");
    const name = templateForm.elements.namedItem("name");
    if (!name.value) name.value = session()?.title ?? "";
    template.showModal();
    name.select();
  });
  templateForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    let answer = null;
    try {
      const response = await fetch(templateForm.action, { method: "POST", body: new FormData(templateForm),
        headers: { Accept: "application/json" }, credentials: "same-origin" });
      answer = await response.json().catch(() => ({ message: response.statusText }));
      if (!response.ok) throw new Error(answer?.message || answer?.error || String(response.status));
    } catch (problem) {
      return showError($("#template-error"), t("editor.template_failed", { why: problem.message }));
    }
    template.close();
    return say(t("editor.template_saved", { name: answer?.title ?? answer?.name ?? templateForm.elements.namedItem("name").value }));
  });

  for (const d of [details, template]) {
    d.addEventListener("click", (e) => { if (e.target.closest("[data-cancel]")) d.close(); });
  }

  $("#groups-go").addEventListener("click", () => {
    $(".area-groups").scrollIntoView({ block: "start" });
    $("#group-new")?.focus({ preventScroll: true });
  });

  return {
    editing,
    activityTools,
    phaseTools,
    deletePhase,
    openActivity,
    onChange: (fn) => listeners.push(fn),
    update(s) {
      showMode();
      const title = $(".cockpit-bar h1");
      if (title && title.textContent !== s.title) {
        title.textContent = s.title;
        title.title = s.title;
      }
      // The dialog's activity went away (deleted by a co-moderator): close it.
      if (open && dialog.open && !find(open.id)) dialog.close();
    },
  };
}
