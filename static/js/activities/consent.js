// Consent: yes, no or abstain on a proposal (the activity's title and prompt); the result is
// "Zustimmung 12 · Ablehnung 0 · Enthaltung 3 — angenommen" by the configured majority, with
// a quorum. With an open (not secret) vote the moderator also sees who voted how.

import { bars } from "../charts.js";
import { h, percent, plural, t } from "../dom.js";

export const VOTES = ["yes", "no", "abstain"];
export const voteLabel = (vote) => ({ yes: t("consent.yes"), no: t("consent.no"), abstain: t("consent.abstain") }[vote]);
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

// "Zustimmung 2 · Ablehnung 0 · Enthaltung 1 — angenommen"
export function resultLine(results) {
  const counts = VOTES.map((v) => `${voteLabel(v)} ${results[v]}`).join(" · ");
  return `${counts} — ${OUTCOMES[results.outcome]?.() ?? results.outcome}`;
}

export function rules(config) {
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
