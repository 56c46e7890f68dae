// The console's side of consent (static/js/activities/consent.js has what the audiences share).

import { results, rules, voteLabel } from "../activities/consent.js";
import { h, syncList, t } from "../dom.js";

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
