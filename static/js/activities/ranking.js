// Ranking: each phone puts the items in order (all of them, or the best k) with up and down
// buttons; results are Borda points, ties sharing a rank.

import { bars } from "../charts.js";
import { h, plural, t } from "../dom.js";
import { itemsOf, labelOf } from "./items.js";

export function reduce() {
  // Rankings never arrive as events, only as tallies.
}

export function results() {
  const chart = bars({ ranked: true });
  const voters = h("p", { class: "hint", "aria-live": "polite" });
  return {
    el: h("div", { class: "results" }, chart.el, voters),
    update(view) {
      const items = view.results.items;
      const max = Math.max(1, ...items.map((item) => item.points));
      chart.update(items.map((item) => ({ key: item.id, label: labelOf(view, item.id),
        value: item.points, max, rank: item.rank, text: plural("ranking.points", item.points) })));
      voters.textContent = plural("ranking.voters", view.results.voters);
    },
  };
}

export const ranked = (view) => view.config.top ?? itemsOf(view).length;
export const rules = (view) => (view.config.top ? t("ranking.rules_top", { k: view.config.top })
  : t("ranking.rules_all"));
