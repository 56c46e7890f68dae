// The phone: shows the session's current activity and nothing else.

import { KINDS } from "./activities/index.js";
import { phaseLine } from "./agenda.js";
import { $, announce, batched, fill, h, json, t } from "./dom.js";
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
  const key = `${view.kind}:${view.id}`;
  if (mounted?.key !== key) {
    const widget = KINDS[view.kind].participant(ctx);
    const title = h("h2", { id: "activity-title", tabindex: "-1" });
    const prompt = h("p", { class: "prompt" });
    const previous = mount(key, title, prompt, widget.el);
    Object.assign(mounted, { widget, title, prompt });
    if (previous) say(t("activity.new", { title: view.title }));
  }
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
  .on("ack", (command, ack) => {
    const activity = command && findActivity(live.state?.session, command.activity);
    if (activity) KINDS[activity.kind]?.acked?.(ctx, command, ack);
  })
  .on("error", (command, error) => {
    if (command) mounted?.widget?.refused?.(command);
    say(error.message, "error");
  })
  .on("fatal", (code) => {
    // The cookie is gone or the code unknown: the join page sorts it out, once.
    const key = `facilitator:rejoin:${config.code}`;
    if (code !== 4403 && !sessionStorage.getItem(key)) {
      sessionStorage.setItem(key, "1");
      location.assign(config.join);
    } else {
      say(t("connection.refused"), "error");
    }
  })
  .start();
