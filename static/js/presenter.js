// The beamer: the current activity, big; the way in (code, link, QR) always beside it.

import { KINDS } from "./beamer/index.js";
import { phaseLine } from "./agenda.js";
import { $, batched, fill, h, json, plural, t } from "./dom.js";
import { perGroup, whereLine } from "./groups.js";
import { findActivity, Live } from "./live.js";
import { instanceView } from "./reduce.js";
import { showStatus } from "./status.js";
import { countdown } from "./timer.js";

const config = json("config"); // {code, ws, token}
const live = new Live({ path: config.ws, code: config.code, role: "presenter", token: config.token });
const stage = $("#stage");
const count = $("#count");
let mounted = null; // {key, widget, title, prompt}
const timer = countdown(live, { className: "timer timer-beamer" });
$("#timer").replaceChildren(timer.el);

function show(key, ...children) {
  mounted = { key };
  fill(stage, ...children);
}

// A screen without an activity: shown once, left alone until the state moves on.
function message(key, title, text) {
  if (mounted?.key !== key) show(key, h("h2", {}, title), h("p", { class: "prompt" }, text));
}

function render() {
  const session = live.state?.session;
  if (!session) return;
  count.textContent = plural("participants.count", session.participants.count);
  const where = $("#where-count");
  where.textContent = whereLine(session.participants);
  where.hidden = !where.textContent;
  timer.update(session);
  $("#phase").textContent = phaseLine(session);
  const view = session.status === "live" ? findActivity(session, session.current) : null;
  document.body.classList.toggle("lobby", session.status !== "closed" && !view);
  if (session.status === "closed") {
    return message("closed", t("session.closed_title"), t("presenter.thanks"));
  }
  if (session.status === "draft") return message("draft", t("session.lobby_title"), t("presenter.soon"));
  if (!view || !KINDS[view.kind]) return message("lobby", t("presenter.join_now"), t("presenter.lobby"));
  const key = `${view.kind}:${view.id}`;
  if (mounted?.key !== key) {
    // A per-group activity: a column per group, side by side.
    const widget = view.per_group
      ? perGroup(KINDS[view.kind].presenter, { live }, { instanceView, headingLevel: "h3" })
      : KINDS[view.kind].presenter({ live });
    const title = h("h2", {});
    const prompt = h("p", { class: "prompt" });
    const state = h("p", { class: "badge" });
    show(key, title, prompt, state, widget.el);
    Object.assign(mounted, { widget, title, prompt, state });
  }
  mounted.title.textContent = view.title;
  mounted.prompt.textContent = view.prompt;
  mounted.prompt.hidden = !view.prompt;
  mounted.state.textContent = t("activity.closed_short");
  mounted.state.hidden = view.status !== "locked";
  mounted.widget.update(view);
}

live
  .on("state", batched(render))
  .on("status", (status) => showStatus($("#status"), status))
  .on("fatal", () => showStatus($("#status"), "refused"))
  .start();
