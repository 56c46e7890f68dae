// The phone: one slim line (connection, timer, menu) and the session's current task.

import { KINDS, KNOWN, load } from "./phone/index.js";
import { phaseLine } from "./agenda.js";
import { $, announce, batched, fill, h, json, t } from "./dom.js";
import { groupName } from "./groups.js";
import { findActivity, Live } from "./live.js";
import { acked as groupAcked, groupBar, whereToggle } from "./phone/groups.js";
import { menu } from "./phone/menu.js";
import { photoPanel } from "./phone/photos.js";
import { showStatus } from "./status.js";
import { countdown } from "./timer.js";

const config = json("config"); // {code, ws}
const live = new Live({ path: config.ws, code: config.code, role: "participant" });
const stage = $("#stage");
const notice = $("#notice");
const spoken = $("#spoken");

// Texts of own ideas by id: the server returns only the id in the ack and lists only ids in
// hello.mine, so the phone remembers what it wrote.
const textsKey = `facilitator:ideas:${config.code}`;
const texts = {
  all: (() => {
    try { return JSON.parse(localStorage.getItem(textsKey)) || {}; } catch { return {}; }
  })(),
  get(id) { return this.all[id]; },
  set(id, text) {
    this.all[id] = text;
    try { localStorage.setItem(textsKey, JSON.stringify(this.all)); } catch { /* memory only */ }
  },
};

// -- what the phone says, next to what was touched ------------------------------------------

// The feedback region (phone/parts.js sendBar) nearest to the control the person last used:
// the one of its form, else of its widget. Found when the person acts, since the control may
// be gone when the answer comes.
const REGIONS = [":scope > .send-bar > .feedback", ":scope > form > .send-bar > .feedback"].join(", ");
let touched = null;
function regionOf(el) {
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    const found = node.querySelector?.(REGIONS);
    if (found) return found;
  }
  return null;
}
for (const type of ["click", "submit", "change"]) {
  document.addEventListener(type, (e) => { touched = regionOf(e.target); }, true);
}

// A region counts only while its bar is on the screen; else the message goes to the toast
// (#notice, fixed at the top of the screen), so that it is never said out of sight.
function onScreen(region) {
  if (!region?.isConnected) return false;
  const box = region.parentElement.getBoundingClientRect();
  return box.height > 0 && box.bottom > 0 && box.top < innerHeight;
}

let clearTimer = 0;
function show(region, text, kind) {
  for (const other of [notice, ...document.querySelectorAll(".feedback")]) {
    if (other !== region && other.textContent) announce(other, "");
  }
  announce(region, text, kind);
  clearTimeout(clearTimer);
  // Errors stay until the next message (a tap closes the toast); the rest goes by itself.
  if (kind !== "error") clearTimer = setTimeout(() => announce(region, ""), 5000);
}

// What concerns the control last touched (sent, refused, dots left).
function say(text, kind = "info") {
  show(onScreen(touched) ? touched : notice, text, kind);
}
// What concerns the whole page (the group changed, the connection was replaced).
const tell = (text, kind = "info") => show(notice, text, kind);
notice.addEventListener("click", () => announce(notice, ""));

// -- the page -------------------------------------------------------------------------------

const ctx = { live, texts, say };
const timer = countdown(live, { className: "timer timer-phone" });
$("#timer").replaceChildren(timer.el);
const groups = groupBar(live, say);
const where = whereToggle(live);
$("#where").replaceChildren(where.el);
const menuGroup = $("#menu-group");
menu($("#menu-button"), $("#menu"));
// The stage: the group choice while it is a task, and the activity. Filled with the hello
// into the space the template reserved (phone.css), so nothing above the task moves.
const groupSlot = h("div", { class: "group-slot" });
const taskSlot = h("div", { class: "activity" });
let mounted = null; // {key, widget, title, prompt, tag, photos}

function mount(key, ...children) {
  const previous = mounted;
  mounted = { key };
  fill(taskSlot, ...children);
  return previous;
}

// A screen without an activity: shown once, left alone until the state moves on.
function message(key, title, text) {
  if (mounted?.key !== key) mount(key, h("h2", {}, title), h("p", {}, text));
}

// The group part lives in the menu, or on the stage while choosing is the person's task:
// before a per-group activity or the lobby, after a plenary one.
function placeGroups(view) {
  const task = groups.task;
  const home = task ? groupSlot : menuGroup;
  const focused = groups.el.contains(document.activeElement);
  if (groups.el.parentNode !== home) home.append(groups.el);
  const after = task && view && !view.per_group && KNOWN.has(view.kind);
  const order = after ? [taskSlot, groupSlot] : [groupSlot, taskSlot];
  if (stage.firstElementChild !== order[0] || stage.children.length !== 2) fill(stage, ...order);
  // Chosen: the choice went into the menu; the focus goes on to the task.
  if (focused && !groups.el.contains(document.activeElement)) $("#activity-title, .activity h2")?.focus();
}

function render() {
  const state = live.state;
  if (!state) return;
  const session = state.session;
  timer.update(session);
  groups.update();
  where.update();
  const phase = $("#phase");
  phase.textContent = phaseLine(session);
  phase.hidden = !phase.textContent;
  const view = session.status === "live" ? findActivity(session, session.current) : null;
  placeGroups(view);
  if (session.status === "closed") {
    taskSlot.classList.remove("closed");
    return message("closed", t("session.closed_title"), t("session.closed_text"));
  }
  if (!view || !KNOWN.has(view.kind)) {
    taskSlot.classList.remove("closed");
    return message("lobby", t("session.lobby_title"), t("session.lobby_text"));
  }
  // The kind's widget comes with the first activity of its kind; until then the stage keeps
  // what it shows (its space is reserved, nothing jumps).
  if (!KINDS[view.kind]) {
    load(view.kind).then(rerender, () => say(t("status.reconnecting"), "error"));
    return;
  }
  // A per-group activity shows the instance of the phone's group: another group, another
  // widget (nothing typed for one group may end up in another's).
  const key = `${view.kind}:${view.id}:${view.per_group ? view.group : ""}`;
  if (mounted?.key !== key) {
    const waiting = view.per_group && !view.group;
    const widget = waiting ? { el: h("p", { class: "note" }, t("groups.activity_needs_group")), update() {} }
      : KINDS[view.kind].participant(ctx);
    const title = h("h2", { id: "activity-title", tabindex: "-1" });
    const tag = h("p", { class: "group-tag" });
    const prompt = h("p", { class: "prompt" });
    // Photos of the group's work, below the task (a per-group activity of the phone's group).
    const photos = view.per_group && !waiting ? photoPanel(ctx) : null;
    // Slides: a Q&A open beside them gets its question box under the slide.
    const beside = view.kind === "slides" ? h("section", { class: "beside", hidden: true }) : null;
    const previous = mount(key, h("div", { class: "task-head" }, tag, title, prompt), widget.el, photos?.el, beside);
    Object.assign(mounted, { widget, title, prompt, tag, photos, beside });
    // Only another group's part of the same activity: the group change is said instead.
    const same = previous?.key?.startsWith(`${view.kind}:${view.id}:`);
    if (previous && !same) {
      announce(spoken, t("activity.new", { title: view.title }));
      // A new task starts at its top, not where the last one was scrolled to.
      if (stage.getBoundingClientRect().top < 0) window.scrollTo(0, 0);
    }
  }
  const group = view.per_group && groupName(session, view.group);
  mounted.tag.textContent = group ? t("groups.activity_of", { name: group }) : "";
  mounted.tag.hidden = !group;
  mounted.title.textContent = view.title;
  mounted.prompt.textContent = view.prompt;
  mounted.prompt.hidden = !view.prompt;
  mounted.widget.update(view);
  mounted.photos?.update(view);
  if (mounted.beside) showBeside(session, view);
  // Closed: what there is to see (the results) comes before the inputs (phone.css).
  taskSlot.classList.toggle("closed", view.status !== "active");
}

// The Q&A that runs beside the slides (the server keeps it open when the slides become
// current): its title and the kind's own widget, under the slide.
function showBeside(session, view) {
  const slot = mounted.beside;
  const qa = session.activities.find((a) => a.kind === "qa" && a.status === "active" && a.id !== view.id);
  slot.hidden = !qa;
  if (!qa) {
    if (slot.firstChild) fill(slot);
    slot.widget = null;
    return;
  }
  if (!KINDS.qa) {
    load("qa").then(rerender, () => say(t("status.reconnecting"), "error"));
    return;
  }
  if (slot.widget?.id !== qa.id) {
    const widget = KINDS.qa.participant(ctx);
    const heading = h("h2", { class: "beside-title" });
    fill(slot, heading, widget.el);
    slot.widget = { id: qa.id, widget, heading };
  }
  slot.widget.heading.textContent = qa.title;
  slot.widget.widget.update(qa);
}

const rerender = batched(render);

live
  .on("state", rerender)
  .on("status", (status) => {
    showStatus($("#status"), status);
    if (status === "connected") sessionStorage.removeItem(`facilitator:rejoin:${config.code}`);
  })
  .on("hello", (before, after) => {
    // A fresh hello on an open connection: the moderation (or the phone itself) moved it.
    if (!before || !after || (before.group ?? null) === (after.group ?? null)) return;
    const name = groupName(live.state.session, after.group);
    tell(name ? t("groups.now_in", { name }) : t("groups.now_none"));
  })
  .on("ack", (command, ack) => {
    if (command) groupAcked(live, command);
    const activity = command && findActivity(live.state?.session, command.activity);
    // What an ack tells the phone about its own contributions; at once (the widget's acked
    // below reads it), or once loaded for an activity of a kind not loaded yet.
    if (activity && KINDS[activity.kind]) KINDS[activity.kind].acked?.(ctx, command, ack);
    else if (activity) load(activity.kind).then((kind) => kind?.acked?.(ctx, command, ack));
    if (command) mounted?.widget?.acked?.(command, ack);
  })
  .on("error", (command, error) => {
    // A widget that shows the refusal where it happened (a measure sheet's conflict) says
    // so, and the general notice stays quiet.
    if (command && mounted?.widget?.refused?.(command, error)) return;
    say(error.message, "error");
  })
  .on("fatal", (code) => {
    // The cookie is gone or the code unknown: the join page sorts it out, once.
    const key = `facilitator:rejoin:${config.code}`;
    if (code === 4409) {
      tell(t("connection.replaced"), "error");
    } else if (code !== 4403 && !sessionStorage.getItem(key)) {
      sessionStorage.setItem(key, "1");
      location.assign(config.join);
    } else {
      tell(t("connection.refused"), "error");
    }
  })
  .start();
