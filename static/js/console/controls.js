// The cockpit's controls: the "Weiter" and "zurück" buttons (console/cockpit.js decides what
// they do), the beamer's switches (session.screen), the keys (console/keys.js) and the two
// dialogs (keys, share). moderator.js calls update(session) with every state.

import { $, t } from "../dom.js";
import { backStep, currentActivity, nextStep } from "./cockpit.js";
import { keyControls } from "./keys.js";

export function cockpitControls({ live, say, confirm, code, closed }) {
  const nextButton = $("#next");
  const backButton = $("#back");
  // The step last pressed: pressed again before the state moved on (a double click, a clicker
  // that repeats), it is not sent twice.
  let lastStep = { key: null, ids: [] };

  function runStep(step) {
    if (!step) return;
    if (step.confirm) return confirm(step.confirm);
    const key = JSON.stringify(step.commands);
    if (key === lastStep.key && lastStep.ids.some((id) => live.outbox.some((c) => c.id === id))) return;
    lastStep = { key, ids: step.commands.map(([type, fields]) => live.send(type, fields)) };
  }

  nextButton.addEventListener("click", () => runStep(live.state && nextStep(live.state.session)));
  backButton.addEventListener("click", () => runStep(live.state && backStep(live.state.session)));

  function renderSteps(session) {
    const next = nextStep(session);
    nextButton.textContent = next ? t("next.label", { what: next.label }) : t("next.done");
    nextButton.disabled = !next;
    $("#next-what").textContent = next?.what ?? "";
    const back = backStep(session);
    backButton.disabled = !back;
    backButton.title = back ? `${back.label}: ${back.what}` : "";
    backButton.setAttribute("aria-label", back ? t("back.label", { what: back.label }) : t("back.none"));
  }

  const screen = () => ({ blank: false, join: true, theme: "light", ...live.state?.session.screen });
  const setScreen = (change) => {
    if (!closed() && live.state) live.send("session.screen", { screen: change });
  };
  const screenToggles = {
    blank: () => setScreen({ blank: !screen().blank }),
    join: () => setScreen({ join: !screen().join }),
    theme: () => setScreen({ theme: screen().theme === "dark" ? "light" : "dark" }),
  };
  for (const button of document.querySelectorAll("[data-screen]")) {
    button.addEventListener("click", screenToggles[button.dataset.screen]);
  }

  function renderScreen(session) {
    const now = screen();
    const pressed = { blank: now.blank, join: now.join, theme: now.theme === "dark" };
    for (const button of document.querySelectorAll("[data-screen]")) {
      button.setAttribute("aria-pressed", String(pressed[button.dataset.screen]));
      button.disabled = ["closed", "deleted"].includes(session.status);
    }
  }

  function toggleCurrent(field) {
    const session = live.state?.session;
    const current = session && currentActivity(session);
    if (!current || closed()) return say(t("keys.no_current"), "error");
    if (field === "reveal") live.send(current.revealed ? "activity.conceal" : "activity.reveal", { activity: current.id });
    else live.send(current.status === "locked" ? "activity.unlock" : "activity.lock", { activity: current.id });
  }

  // t: pause or resume the timer; without one, start the current phase's countdown.
  function toggleTimer() {
    const session = live.state?.session;
    if (!session || session.status !== "live") return;
    const timer = session.timer;
    if (timer?.running) return live.send("timer.pause");
    if (timer && (timer.remaining ?? 0) > 0) return live.send("timer.resume");
    const phase = (session.phases || []).find((p) => p.id === session.phase);
    const minutes = phase && (phase.timer ?? phase.minutes);
    if (!minutes) return say(t("keys.no_timer"), "error");
    live.send("timer.start", { seconds: minutes * 60, label: phase.title });
  }

  const keysDialog = $("#keys");
  const shareDialog = $("#share");
  $("#keys-open").addEventListener("click", () => keysDialog.showModal());
  $("#share-open").addEventListener("click", () => shareDialog.showModal());
  keyControls(code, {
    next: () => nextButton.click(),
    back: () => backButton.click(),
    reveal: () => toggleCurrent("reveal"),
    lock: () => toggleCurrent("lock"),
    timer: toggleTimer,
    blank: screenToggles.blank,
    join: screenToggles.join,
    theme: screenToggles.theme,
    help: () => keysDialog.showModal(),
  });

  return {
    update(session) {
      renderSteps(session);
      renderScreen(session);
    },
  };
}
