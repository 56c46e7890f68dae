// The end of a phone's widget for the item kinds (activities/items.js reads the items).

import { h, t } from "../dom.js";

// The end of a phone's widget: "closed" once the activity is no longer active, and the
// results (a kind's results() widget) under a heading once they are revealed.
export function closedAndResults(results) {
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const heading = h("h3", {}, t("poll.results"));
  return {
    els: [closed, heading, results.el],
    update(view) {
      closed.hidden = view.status === "active";
      const revealed = view.revealed && view.results;
      heading.hidden = results.el.hidden = !revealed;
      if (revealed) results.update(view);
    },
  };
}
