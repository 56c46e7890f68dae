// The beamer's side of consent (static/js/activities/consent.js has what the audiences share).

import { results, rules } from "../activities/consent.js";
import { h, t } from "../dom.js";

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
