// Consent: yes, no or abstain on a proposal (the activity's title and prompt); the result is
// "Zustimmung 12 · Ablehnung 0 · Enthaltung 3 — angenommen" by the configured majority, with
// a quorum. With an open (not secret) vote the moderator also sees who voted how.

import { bars } from "../charts.js";
import { h, percent, plural, syncList, t } from "../dom.js";

const VOTES = ["yes", "no", "abstain"];
const voteLabel = (vote) => ({ yes: t("consent.yes"), no: t("consent.no"), abstain: t("consent.abstain") }[vote]);
const OUTCOMES = { accepted: () => t("consent.accepted"), rejected: () => t("consent.rejected"),
  no_quorum: () => t("consent.no_quorum") };

// The moderator of an open vote gets each vote as an event (consent.voted): who, and how.
export function reduce(activity, name, data) {
  if (name !== "consent.voted" && name !== "consent.cast") return;
  const votes = (activity.votes ||= []);
  const index = votes.findIndex((v) => v.participant === data.participant);
  if (data.vote == null) {
    if (index >= 0) votes.splice(index, 1);
  } else if (index >= 0) votes[index] = { ...votes[index], ...data };
  else votes.push({ participant: data.participant, vote: data.vote });
}

export function acked(ctx, command, ack) {
  if (command.type !== "consent.cast") return;
  const vote = ack.result?.vote ?? command.vote;
  ctx.live.state.mine[command.activity] = vote ? { vote } : {};
  ctx.say(t(vote ? "poll.sent" : "consent.withdrawn"));
}

// "Zustimmung 2 · Ablehnung 0 · Enthaltung 1 — angenommen"
export function resultLine(results) {
  const counts = VOTES.map((v) => `${voteLabel(v)} ${results[v]}`).join(" · ");
  return `${counts} — ${OUTCOMES[results.outcome]?.() ?? results.outcome}`;
}

function rules(config) {
  const parts = [config.secret ? t("consent.secret") : t("consent.open"),
    config.majority === "two_thirds" ? t("consent.two_thirds") : t("consent.simple")];
  if (config.quorum) parts.push(plural("consent.quorum", config.quorum));
  return parts.join(" · ");
}

export function results() {
  const line = h("p", { class: "consent-line", "aria-live": "polite" });
  const chart = bars();
  const voters = h("p", { class: "hint" });
  return {
    el: h("div", { class: "results" }, line, chart.el, voters),
    update(view) {
      const r = view.results;
      line.textContent = resultLine(r);
      line.dataset.outcome = r.outcome;
      const total = r.yes + r.no + r.abstain;
      chart.update(VOTES.map((v) => ({ key: v, label: voteLabel(v), value: r[v], max: total,
        text: plural("poll.votes", r[v], { percent: percent(total ? r[v] / total : 0) }) })));
      voters.textContent = plural("poll.voters", r.voters);
    },
  };
}

// -- participant --------------------------------------------------------------------------

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
  } }, h("fieldset", {}, h("legend", {}, t("consent.legend")), options), submit);
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

// -- presenter ----------------------------------------------------------------------------

export function presenter() {
  const how = h("p", { class: "hint" });
  const waiting = h("p", { class: "note" }, t("poll.results_follow"));
  const chart = results();
  return {
    el: h("div", { class: "stack" }, how, waiting, chart.el),
    update(view) {
      const revealed = Boolean(view.revealed && view.results);
      how.textContent = rules(view.config);
      waiting.hidden = revealed;
      chart.el.hidden = !revealed;
      if (revealed) chart.update(view);
    },
  };
}

// -- moderator ----------------------------------------------------------------------------

export function configFrom(data) {
  return { secret: data.get("secret") === "on", majority: data.get("majority") || "simple",
    quorum: Number(data.get("quorum")) || 0 };
}

export function moderator(ctx) {
  const how = h("p", { class: "hint" });
  const chart = results();
  const votesHeading = h("h4", {}, t("consent.who"));
  const votes = h("ul", { class: "names" });
  const participants = () => ctx.live.state.session.participants.list || [];
  return {
    el: h("div", { class: "stack" }, how, chart.el, votesHeading, votes),
    update(view) {
      how.textContent = rules(view.config);
      chart.el.hidden = !view.results;
      if (view.results) chart.update(view);
      const list = view.votes ?? view.results?.votes ?? [];
      votesHeading.hidden = votes.hidden = view.config.secret || !list.length;
      syncList(votes, list, (v) => v.participant, () => h("li", {}), (li, v) => {
        const name = v.name ?? participants().find((p) => p.id === v.participant)?.name;
        li.textContent = `${name || t("consent.anonymous", { id: v.participant })}: ${voteLabel(v.vote)}`;
      });
    },
  };
}
