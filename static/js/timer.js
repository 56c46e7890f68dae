// The session timer (server-authoritative): a running timer has an end time of the server,
// a paused one the seconds left. Every page shows the same countdown; the console also
// starts, pauses, extends and stops it.

import { h, plural, t } from "./dom.js";

const TICK = 250;

// Seconds left on the timer as of `now` (server time in ms), never below zero.
export function secondsLeft(timer, now) {
  if (!timer) return null;
  if (timer.running && timer.ends_at) return Math.max(0, (Date.parse(timer.ends_at) - now) / 1000);
  return Math.max(0, timer.remaining ?? 0);
}

// 4:05, 12:00, 1:02:03: what people read on a kitchen timer.
export function clock(seconds) {
  const whole = Math.ceil(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

// The countdown of one page: {el, update(session)}. The visible clock changes every second
// but is not a live region (role=timer is silent); a separate polite region speaks only at
// minute steps, on pause and resume, and at zero, so a screen reader is not flooded.
export function countdown(live, { className = "timer" } = {}) {
  const label = h("span", { class: "timer-label" });
  const time = h("span", { class: "timer-time" });
  const state = h("span", { class: "timer-state" });
  const visible = h("p", { class: "timer-clock", role: "timer", "aria-label": t("timer.title") },
    h("span", { class: "timer-title" }, t("timer.title")), " ", time, " ", label, " ", state);
  const spoken = h("p", { class: "visually-hidden", "aria-live": "polite", "aria-atomic": "true" });
  const el = h("div", { class: className, hidden: true }, visible, spoken);
  let timer = null;
  let ticking = 0;
  let lastMinute = null; // the minute step last spoken
  let lastKey = null; // running/paused/done as last spoken

  function say(text) {
    spoken.textContent = text;
  }

  function tick() {
    const left = secondsLeft(timer, live.now());
    const done = left <= 0;
    time.textContent = clock(left);
    el.classList.toggle("done", done);
    el.classList.toggle("paused", !timer.running && !done);
    state.textContent = done ? t("timer.done") : timer.running ? "" : t("timer.paused");
    const key = done ? "done" : timer.running ? "running" : "paused";
    const minute = Math.ceil(left / 60);
    if (key !== lastKey) {
      if (key === "done") say(t("timer.done"));
      else if (key === "paused") say(t("timer.paused_at", { time: clock(left) }));
      else say(plural("timer.minute_left", minute));
      lastKey = key;
      lastMinute = minute;
    } else if (key === "running" && minute !== lastMinute) {
      lastMinute = minute;
      say(plural("timer.minute_left", minute));
    }
    if (done || !timer.running) stop();
  }

  function stop() {
    clearInterval(ticking);
    ticking = 0;
  }

  return {
    el,
    update(session) {
      const next = session?.timer ?? null;
      if (JSON.stringify(next) === JSON.stringify(timer)) return;
      timer = next;
      el.hidden = !timer;
      stop();
      if (!timer) {
        if (lastKey) say(t("timer.stopped"));
        lastKey = lastMinute = null;
        return;
      }
      label.textContent = timer.label ? `· ${timer.label}` : "";
      tick();
      if (timer.running && !ticking) ticking = setInterval(tick, TICK);
    },
  };
}

// The console's controls: start a countdown of some minutes, then pause or resume, add or
// take minutes, stop. {el, update(session)}.
export function timerControls(live, say) {
  const display = countdown(live, { className: "timer timer-console" });
  const minutes = h("input", { id: "timer-minutes", name: "minutes", type: "number", min: 1,
    max: 600, step: 1, value: 5, inputmode: "numeric", required: true });
  const label = h("input", { id: "timer-label", name: "label", maxlength: 100 });
  const start = h("form", { class: "timer-start", onsubmit: (e) => {
    e.preventDefault();
    const n = Number(minutes.value);
    if (!Number.isInteger(n) || n < 1 || n > 600) return say(t("timer.minutes_invalid"), "error");
    live.send("timer.start", { seconds: n * 60, label: label.value.trim() || null });
  } },
    h("div", { class: "field" }, h("label", { for: minutes.id }, t("timer.minutes")), minutes),
    h("div", { class: "field" }, h("label", { for: label.id }, t("timer.label")), label),
    h("button", { type: "submit", class: "primary" }, t("timer.start")));
  const pause = h("button", { type: "button", onclick: () =>
    live.send(pause.dataset.command) });
  const extend = (seconds, text) => h("button", { type: "button",
    onclick: () => live.send("timer.extend", { seconds }) }, text);
  const controls = h("div", { class: "actions" }, pause,
    extend(60, t("timer.plus_one")), extend(300, t("timer.plus_five")),
    extend(-60, t("timer.minus_one")),
    h("button", { type: "button", class: "danger", onclick: () => live.send("timer.stop") },
      t("timer.stop")));
  // A countdown of one's own (a buzz round) is the exception: phases start theirs.
  const own = h("details", { class: "timer-own" }, h("summary", {}, t("timer.own")), start);
  const el = h("div", { class: "stack timer-controls" }, display.el, controls, own);
  return {
    el,
    update(session) {
      display.update(session);
      const timer = session.timer;
      const usable = ["open", "live"].includes(session.status);
      // Suggest the current phase's countdown unless the moderator is typing a number.
      const phase = session.phases?.find((p) => p.id === session.phase);
      const suggested = phase?.timer ?? phase?.minutes;
      if (suggested && document.activeElement !== minutes) minutes.value = String(suggested);
      el.hidden = !usable && !timer;
      controls.hidden = !timer || !usable;
      own.hidden = !usable;
      if (timer) {
        pause.dataset.command = timer.running ? "timer.pause" : "timer.resume";
        pause.textContent = t(timer.running ? "timer.pause" : "timer.resume");
      }
    },
  };
}
