// Matrix: each phone places every item on two axes (say impact × effort) with two selects;
// results are a 2×2 chart of mean positions with their spread, and the same as a list.

import { matrix as matrixChart } from "../charts.js";
import { decimal, h, plural, syncList, t } from "../dom.js";
import { labelOf } from "./items.js";

export function reduce() {
  // Positions never arrive as events, only as tallies.
}

// Which quarter a mean position falls in, in the axes' own words ("" on a middle line).
function quadrant(config, p) {
  const mid = (config.steps + 1) / 2;
  if (p.x === mid || p.y === mid) return "";
  const side = (axis, v) => `${axis.label} ${v > mid ? axis.high : axis.low}`;
  return `${side(config.y, p.y)}, ${side(config.x, p.x)}`;
}

export function results() {
  const chart = matrixChart();
  const legend = h("ol", { class: "matrix-legend" });
  const voters = h("p", { class: "hint", "aria-live": "polite" });
  return {
    el: h("div", { class: "results matrix-results" }, chart.el, h("div", {}, legend, voters)),
    update(view) {
      const config = view.config;
      const points = view.results.items.map((item, i) => ({ ...item, number: i + 1, label: labelOf(view, item.id) }));
      chart.update(config, points);
      syncList(legend, points, (p) => p.id, () => h("li", {}, h("strong", {}), h("span", {})), (li, p) => {
        li.value = p.number;
        li.firstChild.textContent = `${p.label}: `;
        li.lastChild.textContent = p.x == null ? t("matrix.unplaced") : [
          `${config.x.label} ${decimal(p.x)} (± ${decimal(p.sx)})`,
          `${config.y.label} ${decimal(p.y)} (± ${decimal(p.sy)})`,
          plural("dots.people", p.n), quadrant(config, p)].filter(Boolean).join(" · ");
      });
      voters.textContent = plural("poll.voters", view.results.voters);
    },
  };
}

export const rules = (config) => t("matrix.rules", { x: config.x.label, y: config.y.label });
