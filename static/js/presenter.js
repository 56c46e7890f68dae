// The beamer: the current activity, big; the way in (code, link, QR) always beside it.

import { KINDS } from "./activities/index.js";
import { $, batched, h, json, plural, t } from "./dom.js";
import { findActivity, Live } from "./live.js";
import { showStatus } from "./status.js";

const config = json("config"); // {code, ws, token}
const live = new Live({ path: config.ws, code: config.code, role: "presenter", token: config.token });
const stage = $("#stage");
const count = $("#count");
let mounted = null; // {key, widget, title, prompt}

function show(key, ...children) {
  mounted = { key };
  stage.replaceChildren(...children);
}

function render() {
  const session = live.state?.session;
  if (!session) return;
  count.textContent = plural("participants.count", session.participants.count);
  const view = session.status === "closed" ? null : findActivity(session, session.current);
  if (session.status === "closed") {
    if (mounted?.key !== "closed") show("closed", h("h2", {}, t("session.closed_title")),
      h("p", { class: "prompt" }, t("presenter.thanks")));
    return;
  }
  if (!view || !KINDS[view.kind]) {
    if (mounted?.key !== "lobby") show("lobby", h("h2", {}, t("presenter.join_now")),
      h("p", { class: "prompt" }, t("presenter.lobby")));
    return;
  }
  const key = `${view.kind}:${view.id}`;
  if (mounted?.key !== key) {
    const widget = KINDS[view.kind].presenter({ live });
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
