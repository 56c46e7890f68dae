// The phone: shows the session's current activity and nothing else.

import { KINDS } from "./phone/index.js";
import { phaseLine } from "./agenda.js";
import { $, announce, batched, fill, h, json, t } from "./dom.js";
import { acked as groupAcked, groupBar, groupName, whereToggle } from "./groups.js";
import { findActivity, Live } from "./live.js";
import { showStatus } from "./status.js";
import { countdown } from "./timer.js";

const config = json("config"); // {code, ws}
const live = new Live({ path: config.ws, code: config.code, role: "participant" });
const stage = $("#stage");
const notice = $("#notice");

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

let clearTimer = 0;
function say(text, kind = "info") {
  announce(notice, text, kind);
  clearTimeout(clearTimer);
  if (kind !== "error") clearTimer = setTimeout(() => announce(notice, ""), 5000);
}

const ctx = { live, texts, say };
const timer = countdown(live, { className: "timer timer-phone" });
$("#timer").replaceChildren(timer.el);
const groups = groupBar(live, say);
$("#groups").replaceChildren(groups.el);
const where = whereToggle(live);
$("#where").replaceChildren(where.el);
let mounted = null; // {key, widget, title, prompt}

function mount(key, ...children) {
  const previous = mounted;
  mounted = { key };
  fill(stage, ...children);
  return previous;
}

// A screen without an activity: shown once, left alone until the state moves on.
function message(key, title, text) {
  if (mounted?.key !== key) mount(key, h("h2", {}, title), h("p", {}, text));
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
  if (session.status === "closed") {
    return message("closed", t("session.closed_title"), t("session.closed_text"));
  }
  if (!view || !KINDS[view.kind]) {
    return message("lobby", t("session.lobby_title"), t("session.lobby_text"));
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
    const previous = mount(key, tag, title, prompt, widget.el);
    Object.assign(mounted, { widget, title, prompt, tag });
    // Only another group's part of the same activity: the group change is said instead.
    const same = previous?.key?.startsWith(`${view.kind}:${view.id}:`);
    if (previous && !same) say(t("activity.new", { title: view.title }));
  }
  const group = view.per_group && groupName(session, view.group);
  mounted.tag.textContent = group ? t("groups.activity_of", { name: group }) : "";
  mounted.tag.hidden = !group;
  mounted.title.textContent = view.title;
  mounted.prompt.textContent = view.prompt;
  mounted.prompt.hidden = !view.prompt;
  mounted.widget.update(view);
}

live
  .on("state", batched(render))
  .on("status", (status) => {
    showStatus($("#status"), status);
    if (status === "connected") sessionStorage.removeItem(`facilitator:rejoin:${config.code}`);
  })
  .on("hello", (before, after) => {
    // A fresh hello on an open connection: the moderation (or the phone itself) moved it.
    if (!before || !after || (before.group ?? null) === (after.group ?? null)) return;
    const name = groupName(live.state.session, after.group);
    say(name ? t("groups.now_in", { name }) : t("groups.now_none"));
  })
  .on("ack", (command, ack) => {
    if (command) groupAcked(live, command);
    const activity = command && findActivity(live.state?.session, command.activity);
    if (activity) KINDS[activity.kind]?.acked?.(ctx, command, ack);
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
      say(t("connection.replaced"), "error");
    } else if (code !== 4403 && !sessionStorage.getItem(key)) {
      sessionStorage.setItem(key, "1");
      location.assign(config.join);
    } else {
      say(t("connection.refused"), "error");
    }
  })
  .start();
