// The beamer's side of poll (static/js/activities/poll.js has what the audiences share).

import { results } from "../activities/poll.js";
import { h, syncList, t } from "../dom.js";

export function presenter() {
  const options = h("ol", { class: "poll-options" });
  const waiting = h("p", { class: "note" }, t("poll.results_follow"));
  const bars = results();
  return {
    el: h("div", { class: "stack" }, options, waiting, bars.el),
    update(view) {
      const revealed = view.revealed && view.results;
      options.hidden = waiting.hidden = Boolean(revealed);
      bars.el.hidden = !revealed;
      if (revealed) bars.update(view.config, view.results);
      else syncList(options, view.config.options, (o) => o.id, () => h("li", {}),
        (li, o) => (li.textContent = o.label));
    },
  };
}
