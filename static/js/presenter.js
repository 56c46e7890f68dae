// The beamer: a slide of the viewport's size, read from the back of the room. The lobby shows
// the way in large; an activity gets the whole stage with the way in as a slim strip; a
// closed session thanks people. beamer/fit.js condenses what does not fit.

import { KINDS } from "./beamer/index.js";
import { fit } from "./beamer/fit.js";
import { itemsList, responsesLine } from "./beamer/parts.js";
import { photoRow } from "./beamer/photos.js";
import { phaseLine } from "./agenda.js";
import { $, batched, fill, h, json, plural, t } from "./dom.js";
import { perGroup, whereLine } from "./groups.js";
import { findActivity, Live } from "./live.js";
import { instanceView } from "./reduce.js";
import { shown } from "./activities/slides.js";
import { showStatus } from "./status.js";
import { countdown } from "./timer.js";

const config = json("config"); // {code, ws, token}
const live = new Live({ path: config.ws, code: config.code, role: "presenter", token: config.token });
const stage = $("#stage");
const count = $("#count");
const body = document.body;
let mounted = null; // {key, widget, title, prompt, state, responses, slide}
const timer = countdown(live, { className: "timer timer-beamer" });
$("#timer").replaceChildren(timer.el);

function show(key, ...children) {
  mounted = { key };
  fill(stage, ...children);
}

// A screen without an activity: shown once, left alone until the state moves on.
function message(key, title, text, className) {
  if (mounted?.key === key) return;
  show(key, h("div", { class: `slide message ${className}` },
    h("h2", { class: "slide-title" }, title), h("p", { class: "prompt" }, text)));
}

const SCREEN = { blank: false, join: true, theme: "light" };

function render() {
  const session = live.state?.session;
  if (!session) return;
  const screen = { ...SCREEN, ...session.screen };
  count.textContent = plural("participants.count", session.participants.count);
  const where = $("#where-count");
  where.textContent = whereLine(session.participants);
  where.hidden = !where.textContent;
  timer.update(session);
  $("#phase").textContent = phaseLine(session);
  const view = session.status === "live" ? findActivity(session, session.current) : null;
  const closed = session.status === "closed";
  const lobby = !closed && !(view && KINDS[view.kind]);
  body.classList.toggle("lobby", lobby);
  body.classList.toggle("closed", closed);
  body.classList.toggle("activity", !lobby && !closed);
  body.classList.toggle("join-off", !screen.join);
  body.classList.toggle("theme-dark", screen.theme === "dark");
  body.classList.toggle("blanked", Boolean(screen.blank));
  // A page of slides takes the whole screen; the way in shrinks into a corner.
  body.classList.toggle("slides-on", !lobby && !closed && view?.kind === "slides" && Boolean(shown(view)));
  $("#blank").hidden = !screen.blank;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", screen.theme === "dark" ? "dark" : "light");
  if (closed) message("closed", t("presenter.thanks"), t("session.closed_title"), "closed-message");
  else if (session.status === "draft") message("draft", t("session.lobby_title"), t("presenter.soon"), "lobby-message");
  else if (lobby) message("lobby", t("presenter.join_now"), t("presenter.lobby"), "lobby-message");
  else activity(session, view);
  fit(stage);
}

function activity(session, view) {
  const key = `${view.kind}:${view.id}`;
  if (mounted?.key !== key) {
    // A per-group activity: a column per group, side by side.
    const widget = view.per_group
      ? perGroup(KINDS[view.kind].presenter, { live }, { instanceView, headingLevel: "h3" })
      : KINDS[view.kind].presenter({ live });
    const title = h("h2", { class: "slide-title" });
    const prompt = h("p", { class: "prompt fit-clamp" });
    const state = h("p", { class: "badge" });
    const responses = h("p", { class: "responses", "aria-live": "polite" });
    // Per group, the items are the same in every group: shown once, not in every column.
    const shared = view.per_group && ITEM_KINDS.has(view.kind) ? itemsList(live) : null;
    shared?.el.classList.add("shared-items");
    // Photos of the groups' work on this activity, in a row below it.
    const photos = photoRow(live);
    const slide = h("div", { class: `slide kind-${view.kind}` },
      h("div", { class: "slide-head" }, title, prompt, h("div", { class: "slide-status" }, state, responses)),
      h("div", { class: "slide-body" }, widget.el, shared?.el), photos.el);
    show(key, slide);
    Object.assign(mounted, { widget, title, prompt, state, responses, slide, shared, photos });
  }
  const revealed = Boolean(view.revealed);
  mounted.slide.classList.toggle("revealed", revealed);
  mounted.slide.classList.toggle("slide-per-group", Boolean(view.per_group));
  mounted.title.textContent = view.title;
  mounted.prompt.textContent = view.prompt;
  mounted.prompt.hidden = !view.prompt;
  mounted.state.textContent = t("activity.closed_short");
  mounted.state.hidden = view.status !== "locked";
  // Per group, each column counts its own group; in plenary the whole room.
  mounted.responses.textContent = view.per_group ? "" : responsesLine(view, session.participants.count);
  mounted.responses.hidden = !mounted.responses.textContent;
  mounted.widget.update(view);
  if (mounted.shared) {
    mounted.shared.el.hidden = revealed;
    if (!revealed) mounted.shared.update(view);
  }
  // A page of slides: its title only for screen readers (the page is the slide).
  mounted.slide.firstElementChild.classList.toggle("visually-hidden", body.classList.contains("slides-on"));
  mounted.photos.update(view, mounted.slide);
  mounted.slide.classList.toggle("with-photos", !mounted.photos.el.hidden);
}

const ITEM_KINDS = new Set(["dots", "ranking", "scale", "matrix"]);

// -- keys: `f` for full screen here; a clicker's keys go to the console of this browser ------

const fullscreenButton = $("#fullscreen");

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen?.();
  else document.documentElement.requestFullscreen?.().catch(() => {});
}

function fullscreenLabel() {
  fullscreenButton.textContent = document.fullscreenElement ? t("presenter.exit_fullscreen") : t("presenter.fullscreen");
}

fullscreenButton.addEventListener("click", toggleFullscreen);
document.addEventListener("fullscreenchange", () => {
  fullscreenLabel();
  refit();
});
fullscreenLabel();

// The beamer sends no commands; the console in the same browser listens on this channel.
const FORWARDED = new Set(["PageDown", "PageUp", "ArrowRight", "ArrowLeft", " ", "b", "r", "l", "t"]);
const channel = "BroadcastChannel" in window ? new BroadcastChannel(`facilitator:${config.code}`) : null;

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest?.("input, textarea, select, [contenteditable]")) return;
  if (event.key === "f" || event.key === "F") {
    event.preventDefault();
    toggleFullscreen();
    return;
  }
  if (!FORWARDED.has(event.key) || (event.key === " " && event.target.closest?.("button"))) return;
  event.preventDefault();
  channel?.postMessage({ type: "key", key: event.key });
});

const refit = batched(() => {
  mounted?.photos?.fit();
  fit(stage);
});
window.addEventListener("resize", refit);

live
  .on("state", batched(render))
  .on("status", (status) => showStatus($("#status"), status))
  .on("fatal", () => showStatus($("#status"), "refused"))
  .start();
