// The phone's side of consent (static/js/activities/consent.js has what the audiences share).

import { VOTES, results, rules, voteLabel } from "../activities/consent.js";
import { h, t } from "../dom.js";
import { sendBar } from "./parts.js";

export function acked(ctx, command, ack) {
  if (command.type !== "consent.cast") return;
  const vote = ack.result?.vote ?? command.vote;
  ctx.live.state.mine[command.activity] = vote ? { vote } : {};
  ctx.say(t(vote ? "poll.sent" : "consent.withdrawn"));
}



export function participant(ctx) {
  let activity = null;
  let shown = null;
  const how = h("p", { class: "hint" });
  const options = h("div", { class: "options" }, VOTES.map((v) => h("label", { class: "option" },
    h("input", { type: "radio", name: "consent-vote", value: v }), h("span", {}, voteLabel(v)))));
  const submit = h("button", { type: "submit", class: "primary" });
  const form = h("form", { class: "stack", onsubmit: (e) => {
    e.preventDefault();
    const vote = options.querySelector("input:checked")?.value;
    if (!vote) return ctx.say(t("consent.choose"), "error");
    ctx.live.send("consent.cast", { activity: activity.id, vote });
    ctx.say(t("poll.sending"));
  } }, h("fieldset", {}, h("legend", {}, t("consent.legend")), options), sendBar(submit));
  const chosen = h("p", { class: "chosen" });
  const withdraw = h("button", { type: "button", onclick: () =>
    ctx.live.send("consent.cast", { activity: activity.id, vote: null }) }, t("consent.withdraw"));
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const heading = h("h3", {}, t("poll.results"));
  const chart = results();
  const el = h("div", { class: "stack" }, how, form, chosen, withdraw, closed, heading, chart.el);

  return {
    el,
    update(view) {
      activity = view;
      const open = view.status === "active";
      how.textContent = rules(view.config);
      const pending = ctx.live.pending("consent.cast").filter((c) => c.activity === view.id).pop();
      const vote = pending ? pending.vote : ctx.live.state.mine[view.id]?.vote ?? null;
      if (vote !== shown) {
        for (const input of options.querySelectorAll("input")) input.checked = input.value === vote;
        shown = vote;
      }
      for (const input of options.querySelectorAll("input")) input.disabled = !open;
      submit.hidden = !open;
      submit.textContent = t(vote ? "poll.change" : "consent.cast");
      chosen.hidden = !vote;
      chosen.textContent = vote ? t(pending ? "poll.sending_choice" : "poll.your_choice", { choice: voteLabel(vote) }) : "";
      withdraw.hidden = !open || !vote;
      closed.hidden = open;
      const revealed = view.revealed && view.results;
      heading.hidden = chart.el.hidden = !revealed;
      if (revealed) chart.update(view);
    },
  };
}
