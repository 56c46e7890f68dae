// Polls: the phone picks one or several options; results are bars with counts and shares,
// for the moderator always, for the beamer and the phones once revealed.

import { h, percent, plural, syncList } from "../dom.js";

export function reduce() {
  // Votes never arrive as events (only as tallies, which live.js applies).
}

// The bars of a poll's results; share = count / voters (with multiple choice the shares add
// up to more than 100 %, as the protocol says of the counts).
export function results() {
  const list = h("ol", { class: "bars" });
  const voters = h("p", { class: "hint" });
  return {
    el: h("div", { class: "results" }, list, voters),
    update(config, results) {
      const counts = new Map(results.options.map((o) => [o.id, o.count]));
      const total = results.voters;
      syncList(list, config.options, (o) => o.id,
        () => h("li", {},
          h("span", { class: "bar-label" }),
          h("span", { class: "bar-value" }),
          h("span", { class: "bar", "aria-hidden": "true" }, h("span", { class: "bar-fill" }))),
        (li, option) => {
          const n = counts.get(option.id) ?? 0;
          const share = total ? n / total : 0;
          const [label, value, bar] = li.children;
          label.textContent = option.label;
          value.textContent = plural("poll.votes", n, { percent: percent(share) });
          bar.firstChild.style.width = `${(share * 100).toFixed(1)}%`;
        });
      voters.textContent = plural("poll.voters", total);
    },
  };
}

export const labelsOf = (config, ids) =>
  config.options.filter((o) => ids.includes(o.id)).map((o) => o.label).join(", ");
