// The beamer's side of words (static/js/activities/words.js has what the audiences share): the
// cloud fills the stage; rare words go first when it does not fit.

import { results } from "../activities/words.js";
import { h } from "../dom.js";
import { responses, waitingNote } from "./parts.js";

export function presenter(ctx) {
  const waiting = waitingNote();
  const count = responses(ctx);
  const chart = results();
  const cloud = chart.el.querySelector(".cloud");
  cloud.classList.add("fit-list");
  cloud.dataset.keep = "12"; // the words most said; rare ones go first
  return {
    el: h("div", { class: "stack" }, count.el, waiting, chart.el),
    update(view) {
      const revealed = Boolean(view.revealed && view.results);
      count.update(view);
      waiting.hidden = revealed;
      chart.el.hidden = !revealed;
      if (revealed) chart.update(view);
    },
  };
}
