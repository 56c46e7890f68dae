// The beamer's side of matrix (static/js/activities/matrix.js has what the audiences share): a
// large chart with numbered markers and a compact legend (number, item, group); the figures
// behind each marker are written out for screen readers.

import { itemsOf, labelOf } from "../activities/items.js";
import { rules } from "../activities/matrix.js";
import { matrix as matrixChart } from "../charts.js";
import { decimal, h, plural, srOnly, syncList, t } from "../dom.js";
import { groupName } from "../groups.js";
import { groupTag, itemsSlide } from "./parts.js";

// Which quarter a mean position falls in, in the axes' own words ("" on a middle line).
function quadrant(config, p) {
  const mid = (config.steps + 1) / 2;
  if (p.x === mid || p.y === mid) return "";
  const side = (axis, v) => `${axis.label} ${v > mid ? axis.high : axis.low}`;
  return `${side(config.y, p.y)}, ${side(config.x, p.x)}`;
}

function results(live) {
  const chart = matrixChart();
  const legend = h("ul", { class: "matrix-legend fit-list fit-cols" });
  const voters = h("p", { class: "hint", "aria-live": "polite" });
  return {
    el: h("div", { class: "results matrix-results" }, chart.el, h("div", { class: "matrix-side" }, legend, voters)),
    update(view) {
      const config = view.config;
      const session = live.state.session;
      const points = view.results.items.map((item, i) => ({ ...item, number: i + 1, label: labelOf(view, item.id) }));
      chart.update(config, points);
      const groupOf = (id) => {
        const item = itemsOf(view).find((i) => i.id === id);
        return item?.group ? groupName(session, item.group) ?? "" : "";
      };
      // Items from the groups' walls: the group's name once, over its items.
      const rows = [];
      points.forEach((p) => {
        const group = groupOf(p.id);
        if (group && group !== rows.findLast((r) => r.point)?.group) rows.push({ key: `group:${group}`, group });
        rows.push({ key: p.id, point: p, group });
      });
      syncList(legend, rows, (r) => r.key,
        (r) => (r.point
          ? h("li", {}, h("span", { class: "legend-number" }), h("span", { class: "legend-label" }), srOnly(""))
          : h("li", { class: "legend-group fit-head" }, groupTag(""))),
        (li, r) => {
          if (!r.point) {
            li.firstChild.textContent = r.group;
            return;
          }
          const p = r.point;
          const [number, text, figures] = li.children;
          number.textContent = String(p.number);
          text.textContent = p.label;
          figures.textContent = p.x == null ? `: ${t("matrix.unplaced")}` : `: ${[
            `${config.x.label} ${decimal(p.x)} (± ${decimal(p.sx)})`,
            `${config.y.label} ${decimal(p.y)} (± ${decimal(p.sy)})`,
            plural("dots.people", p.n), quadrant(config, p)].filter(Boolean).join(" · ")}`;
          li.classList.toggle("unplaced", p.x == null);
        });
      voters.textContent = plural("poll.voters", view.results.voters);
    },
  };
}

export function presenter(ctx) {
  return itemsSlide(ctx, { rules: (view) => rules(view.config), results: results(ctx.live), hideRules: true });
}
