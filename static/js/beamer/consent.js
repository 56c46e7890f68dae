// The beamer's side of consent (static/js/activities/consent.js has what the audiences share):
// the proposal and its rules until the reveal, then the result as the headline, coloured by
// its outcome; before any vote there is no outcome to show.

import { resultLine, rules, VOTES, voteLabel } from "../activities/consent.js";
import { bars } from "../charts.js";
import { h, percent, plural, t } from "../dom.js";
import { responses, waitingNote } from "./parts.js";

export function presenter(ctx) {
  const how = h("p", { class: "hint rules" });
  const waiting = waitingNote();
  const count = responses(ctx);
  const line = h("p", { class: "consent-line", "aria-live": "polite" });
  const chart = bars();
  const voters = h("p", { class: "hint" });
  const result = h("div", { class: "results consent-results" }, line, chart.el, voters);
  return {
    el: h("div", { class: "stack" }, how, count.el, waiting, result),
    update(view) {
      const r = view.results;
      const revealed = Boolean(view.revealed && r);
      how.textContent = rules(view.config);
      count.update(view);
      waiting.hidden = revealed;
      result.hidden = !revealed;
      if (!revealed) return;
      const total = r.yes + r.no + r.abstain;
      line.textContent = total ? resultLine(r) : t("consent.none_yet");
      line.dataset.outcome = total ? r.outcome : "none";
      chart.el.hidden = !total;
      chart.update(VOTES.map((v) => ({ key: v, label: voteLabel(v), value: r[v], max: total,
        text: plural("poll.votes", r[v], { percent: percent(total ? r[v] / total : 0) }) })));
      voters.textContent = plural("poll.voters", r.voters);
    },
  };
}
