// The beamer's side of poll (static/js/activities/poll.js has what the audiences share): the
// options until the reveal, then bars with the leading option set off.

import { results } from "../activities/poll.js";
import { h, syncList } from "../dom.js";
import { responses, waitingNote } from "./parts.js";

export function presenter(ctx) {
  const options = h("ol", { class: "poll-options fit-list fit-cols" });
  const waiting = waitingNote();
  const count = responses(ctx);
  const bars = results();
  bars.el.querySelector(".bars").classList.add("fit-list");
  return {
    el: h("div", { class: "stack" }, count.el, options, waiting, bars.el),
    update(view) {
      const revealed = view.revealed && view.results;
      options.hidden = waiting.hidden = Boolean(revealed);
      bars.el.hidden = !revealed;
      count.update(view);
      if (revealed) {
        bars.update(view.config, view.results);
        const top = Math.max(0, ...view.results.options.map((o) => o.count));
        for (const li of bars.el.querySelectorAll(".bars > li")) {
          const option = view.results.options.find((o) => o.id === li.dataset.key);
          li.classList.toggle("leader", top > 0 && option?.count === top);
        }
      } else {
        syncList(options, view.config.options, (o) => o.id, () => h("li", {}, h("span", { class: "fit-clamp" })),
          (li, o) => (li.firstChild.textContent = o.label));
      }
    },
  };
}
