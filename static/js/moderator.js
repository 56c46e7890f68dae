// The moderator console of one session: lifecycle, new activities, and every activity with
// its controls and live results.

import { phaseCommands } from "./console/cockpit.js";
import { cockpitControls } from "./console/controls.js";
import { planEditor } from "./console/editor.js";
import { feedPanel } from "./console/feed.js";
import { nextStepsPanel } from "./console/next_steps.js";
import { KINDS } from "./console/index.js";
import { photosPanel } from "./console/photos.js";
import { kindLabel, showSourceParts, syncSourceFields } from "./console/items.js";
import { agendaPanel } from "./agenda.js";
import { $, announce, batched, fill, h, json, plural, syncList, t } from "./dom.js";
import { perGroup, whereLine } from "./groups.js";
import { groupsPanel } from "./groups_panel.js";
import { Live } from "./live.js";
import { instanceView } from "./reduce.js";
import { showStatus } from "./status.js";
import { timerControls } from "./timer.js";

const config = json("config"); // {code, ws, token}
const live = new Live({ path: config.ws, code: config.code, role: "moderator", token: config.token });
const notice = $("#notice");
const forms = new Map(); // command id -> the create form that sent it

let clearTimer = 0;
function say(text, kind = "info") {
  announce(notice, text, kind);
  clearTimeout(clearTimer);
  if (kind !== "error") clearTimer = setTimeout(() => announce(notice, ""), 5000);
}

// The moderator may change things until the session is closed; after that it is a record.
const ctx = { live, say, closed: () => ["closed", "deleted"].includes(live.state?.session.status) };

// -- session ------------------------------------------------------------------------------

// The plan editor (console/editor.js): the agenda shows its buttons while the plan is edited.
const editor = planEditor({ live, say });
const agenda = agendaPanel(live, say, { editor, startPhase: (phase) => {
  for (const [type, fields] of phaseCommands(live.state.session, phase)) live.send(type, fields);
}, phaseActions: (phase) => KINDS.slides.phaseButton(phase) });
editor.onChange(() => live.state && agenda.update(live.state.session));
const timer = timerControls(live, say);
const groups = groupsPanel(live, say);
const feed = feedPanel(live, ctx.closed);
$("#agenda").replaceChildren(agenda.el);
$("#timer").replaceChildren(timer.el);
$("#groups").replaceChildren(groups.el);
$("#feed").replaceWith(feed.el);
const photos = photosPanel({ live, say, closed: ctx.closed });
$("#photos").replaceChildren(photos.el);
// The next steps (what, who, by when): beside the closing notes, open after the close too.
const nextSteps = nextStepsPanel({ live, say });
$("#next-steps").replaceChildren(nextSteps.el);

// The co-moderator's invite link: copied with one click (the clipboard API needs https or
// localhost; on plain http in a LAN the selected text is copied the old way).
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      if (!document.execCommand("copy")) return say(t("link.copy_failed"), "error");
    }
    say(t("link.copied"));
  });
}

// Deleting is for the owner only (the button is not in a co-moderator's page). Opening the
// lobby and starting are steps of the "Weiter" button.
const lifecycle = { draft: ["delete"], open: ["close"], live: ["close"], closed: ["delete"] };
const confirmations = { close: "#confirm-close", delete: "#confirm-delete" };

function confirm(action) {
  const dialog = $(confirmations[action]);
  dialog.returnValue = "";
  dialog.showModal();
}

for (const button of document.querySelectorAll("[data-session]")) {
  button.addEventListener("click", () => confirm(button.dataset.session));
}

for (const [action, selector] of Object.entries(confirmations)) {
  $(selector)?.addEventListener("close", (e) => {
    if (e.target.returnValue === action) live.send(`session.${action}`);
  });
}

// -- the cockpit: Weiter, zurück, keys, the beamer's screen (console/controls.js) -----------

const controls = cockpitControls({ live, say, confirm, code: config.code, closed: ctx.closed });

// The documentation panel follows the session: once it is closed (and so written), the links.
function renderArchive(session) {
  if (session.status !== "closed") return;
  const state = $("#archive-state");
  const links = $("#archive-links");
  if (!state.dataset.written) {
    state.dataset.written = "closed";
    state.textContent = t("archive.written_on_close");
  }
  if (links.hidden) {
    links.hidden = false;
    // Closed while the console was open: the links come into view in the right column.
    $(".area-archive").scrollIntoView({ block: "nearest" });
  }
}

// The current activity's card comes into view in the middle column when it changes.
let shownCurrent;
function followCurrent(session) {
  if (session.current === shownCurrent) return;
  const first = shownCurrent === undefined;
  shownCurrent = session.current;
  const li = [...$("#activities").children].find((el) => el.dataset.key === session.current);
  if (!li || (first && !session.current)) return;
  const reduce = matchMedia("(prefers-reduced-motion: reduce)").matches;
  li.scrollIntoView({ block: "start", behavior: reduce || first ? "auto" : "smooth" });
}

function renderSession(session) {
  const deleted = session.status === "deleted";
  $("#session-status").textContent = deleted ? t("session.deleted") : t(`session.status.${session.status}`);
  const allowed = lifecycle[session.status] || [];
  for (const button of document.querySelectorAll("[data-session]")) {
    button.hidden = !allowed.includes(button.dataset.session);
  }
  const where = whereLine(session.participants);
  const count = [plural("participants.count", session.participants.count), where].filter(Boolean).join(" · ");
  for (const el of document.querySelectorAll("[data-count]")) el.textContent = count;
  const named = (session.participants.list || []).filter((p) => p.name);
  const names = $("#participant-names");
  names.hidden = !named.length;
  syncList(names, named, (p) => p.id, () => h("li", {}), (li, p) => (li.textContent = p.name));
  $(".area-new").hidden = session.status === "closed" || deleted;
  controls.update(session);
  editor.update(session);
  feed.update(session);
  renderArchive(session);
  agenda.update(session);
  timer.update(session);
  groups.update();
  photos.update(session);
  $(".area-nextsteps").hidden = session.status === "draft" || deleted;
  nextSteps.update(session);
}

// -- creating activities ------------------------------------------------------------------

for (const form of document.querySelectorAll("form.create[data-kind]")) {
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const kind = form.dataset.kind;
    // A kind that makes its activity another way (slides: by uploading the PDF).
    if (KINDS[kind].submitCreate) return KINDS[kind].submitCreate(form, { live, say });
    const data = new FormData(form);
    const fields = { kind, title: data.get("title").trim() };
    const prompt = data.get("prompt")?.trim();
    if (prompt) fields.prompt = prompt;
    if (data.get("phase")) fields.phase = data.get("phase");
    if (data.get("per_group") === "on") fields.per_group = true;
    fields.config = KINDS[kind].configFrom(data);
    forms.set(live.send("activity.create", fields), form);
  });
  // Items typed in, or taken from an earlier activity: show the fields of the choice made.
  form.addEventListener("change", (e) => {
    const fieldset = e.target.closest(".items-fields");
    if (!fieldset) return;
    if (e.target.matches("[data-items-from]")) syncSourceFields(form, live.state.session);
    showSourceParts(fieldset);
  });
}

// One create form at a time, the one of the kind chosen.
const kindSelect = $("#new-kind");
function showKind() {
  for (const form of document.querySelectorAll("form.create[data-kind]")) {
    form.hidden = form.dataset.kind !== kindSelect.value;
  }
}
kindSelect.addEventListener("change", showKind);
showKind();

// The phase select of every create form: shown once the agenda has phases, the current
// phase chosen by default.
function syncPhaseFields(session) {
  const phases = session.phases || [];
  for (const select of document.querySelectorAll("form.create[data-kind] select[name=phase]")) {
    const key = JSON.stringify([phases.map((p) => [p.id, p.title]), session.phase]);
    select.closest(".phase-field").hidden = !phases.length;
    if (select.dataset.key === key) continue;
    select.dataset.key = key;
    select.replaceChildren(h("option", { value: "" }, t("phase.no_phase")),
      ...phases.map((p) => h("option", { value: p.id }, p.title)));
    select.value = session.phase ?? "";
  }
}

// -- the activities -----------------------------------------------------------------------

function activityCard(view) {
  // A per-group activity: the kind's console widget once per group, side by side.
  const widget = view.per_group
    ? perGroup(KINDS[view.kind].moderator, ctx, { instanceView, headingLevel: "h4" })
    : KINDS[view.kind].moderator(ctx);
  const title = h("h3", { tabindex: -1 });
  const meta = h("p", { class: "meta" });
  const prompt = h("p", { class: "prompt" });
  // Two buttons that change their meaning with the state, so focus stays where it was.
  const step = h("button", { type: "button", class: "primary" });
  const reveal = h("button", { type: "button" });
  const edit = h("button", { type: "button", "aria-haspopup": "dialog",
    onclick: () => editor.openActivity(li.dataset.key) }, t("editor.edit_activity"));
  const actions = h("div", { class: "actions" }, step, reveal, edit);
  const li = h("li", { class: "panel activity", id: `card-${view.id}` }, title, meta, prompt, actions, widget.el);
  li.perGroup = Boolean(view.per_group);
  step.addEventListener("click", () => live.send(step.dataset.command, { activity: li.dataset.key }));
  reveal.addEventListener("click", () => live.send(reveal.dataset.command, { activity: li.dataset.key }));
  li.update = (current, activity) => {
    const isCurrent = current === activity.id;
    title.textContent = activity.title;
    prompt.textContent = activity.prompt;
    prompt.hidden = !activity.prompt;
    const phase = (live.state.session.phases || []).find((p) => p.id === activity.phase);
    fill(meta, ...[
      kindLabel(activity.kind),
      activity.per_group && t("groups.per_group_tag"),
      phase && t("phase.tag", { title: phase.title }),
      t(`activity.status.${activity.status}`),
      isCurrent && t("activity.current"),
      activity.revealed && t("activity.revealed"),
      activity.hidden && t("editor.hidden_tag"),
    ].filter(Boolean).map((text) => h("span", { class: "tag" }, text)));
    li.classList.toggle("current", isCurrent);
    li.classList.toggle("hidden-activity", Boolean(activity.hidden));
    actions.hidden = ctx.closed();
    // A hidden activity cannot run (show it again in the editor first).
    step.hidden = reveal.hidden = Boolean(activity.hidden);
    const command = activity.status === "draft" ? "activate"
      : activity.status === "active" ? "lock" : "unlock";
    step.dataset.command = `activity.${command}`;
    step.textContent = t(`activity.${command}`);
    reveal.dataset.command = activity.revealed ? "activity.conceal" : "activity.reveal";
    reveal.textContent = t(activity.revealed ? "activity.conceal" : "activity.reveal");
    reveal.hidden = activity.kind === "slides"; // slides have no results
    widget.update(activity);
  };
  return li;
}

// The closing notes: saved with session.notes, kept while the moderator is typing.
const notes = $("#closing-notes");
$("#notes-form").addEventListener("submit", (event) => {
  event.preventDefault();
  live.send("session.notes", { notes: notes.value.trim() || null });
});

// The session's limits (session.limits): shown in the form unless the moderator is editing it.
const limitsForm = $("#limits-form");
limitsForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const limits = {};
  for (const input of limitsForm.querySelectorAll("input")) limits[input.name] = Number(input.value);
  live.send("session.limits", { limits });
});

function renderLimits(session) {
  if (!session.limits || limitsForm.contains(document.activeElement)) return;
  for (const input of limitsForm.querySelectorAll("input")) input.value = session.limits[input.name];
}

// Joins the server refused (rate or size limits): the moderator sees it and may lift them.
function showRefused(notice) {
  const refused = $("#refused");
  const total = Object.values(notice.refused || {}).reduce((a, b) => a + b, 0);
  refused.hidden = !total;
  refused.textContent = plural("limits.refused", total);
}

function render() {
  const session = live.state?.session;
  if (!session) return;
  renderSession(session);
  renderLimits(session);
  if (document.activeElement !== notes) notes.value = session.notes ?? "";
  syncPhaseFields(session);
  syncSourceFields($(".area-new"), session);
  const list = $("#activities");
  const known = session.activities.filter((a) => KINDS[a.kind]);
  $("#no-activities").hidden = known.length > 0;
  // An activity made per-group (or plenary) in the editor gets a new card of the other shape.
  for (const li of [...list.children]) {
    const view = known.find((a) => a.id === li.dataset.key);
    if (view && Boolean(view.per_group) !== li.perGroup) li.remove();
  }
  syncList(list, known, (a) => a.id, activityCard, (li, a) => li.update(session.current, a));
  followCurrent(session);
}

live
  .on("state", batched(render))
  .on("status", (status) => showStatus($("#status"), status))
  .on("ack", (command, ack) => {
    if (command?.type === "groups.shuffle") say(plural("groups.shuffled", ack.result?.assigned ?? 0));
    if (command?.type === "session.notes") say(t("notes.saved"));
    if (command?.type === "session.limits") say(t("limits.saved"));
    const form = command && forms.get(command.id);
    if (!form) return;
    forms.delete(command.id);
    form.reset();
    delete form.querySelector("select[name=phase]")?.dataset.key;
    render();
    say(t("activity.created"));
  })
  .on("error", (command, error) => {
    if (command) forms.delete(command.id);
    // The next steps' panel shows its refusals next to its form.
    if (command?.type?.startsWith("nextstep.")) return;
    say(error.message, "error");
  })
  .on("notice", showRefused)
  .on("fatal", (code) => {
    showStatus($("#status"), "refused");
    say(t(code === 4409 ? "connection.replaced" : "connection.refused"), "error");
  })
  .start();
