// The beamer's side of words (static/js/activities/words.js has what the audiences share).

import { results } from "../activities/words.js";
import { h, t } from "../dom.js";

export function presenter() {
  const waiting = h("p", { class: "note" }, t("poll.results_follow"));
  const chart = results();
  return {
    el: h("div", { class: "stack" }, waiting, chart.el),
    update(view) {
      const revealed = Boolean(view.revealed && view.results);
      waiting.hidden = revealed;
      chart.el.hidden = !revealed;
      if (revealed) chart.update(view);
    },
  };
}
