// Matrix: each phone places every item on two axes (say impact × effort) with two selects;
// results are a 2×2 chart of mean positions with their spread, and the same as a list.

import { matrix as matrixChart } from "../charts.js";
import { decimal, h, plural, syncList, t } from "../dom.js";
import { closedAndResults, itemsFromForm, itemsModerator, itemsOf, itemsPresenter, labelOf } from "./items.js";

export function reduce() {
  // Positions never arrive as events, only as tallies.
}

export function acked(ctx, command, ack) {
  if (command.type !== "matrix.place") return;
  const mine = (ctx.live.state.mine[command.activity] ||= {});
  const positions = (mine.positions ||= {});
  if (command.clear) delete positions[command.item];
  else positions[command.item] = ack.result?.x ? ack.result : { x: command.x, y: command.y };
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

const rules = (config) => t("matrix.rules", { x: config.x.label, y: config.y.label });

// -- participant --------------------------------------------------------------------------

export function participant(ctx) {
  let activity = null;
  const how = h("p", { class: "hint" });
  const list = h("div", { class: "stack matrix-items" });
  const progress = h("p", { class: "chosen", "aria-live": "polite" });
  const end = closedAndResults(results());
  const el = h("div", { class: "stack" }, how, list, progress, ...end.els);

  function positions() {
    const own = { ...(ctx.live.state.mine[activity.id]?.positions || {}) };
    for (const c of ctx.live.pending("matrix.place")) {
      if (c.activity !== activity.id) continue;
      if (c.clear) delete own[c.item];
      else own[c.item] = { x: c.x, y: c.y };
    }
    return own;
  }

  function axisSelect(id, axis, steps) {
    const select = h("select", { id, "data-axis": axis === activity.config.x ? "x" : "y" },
      h("option", { value: "" }, t("matrix.choose")),
      Array.from({ length: steps }, (_, i) => {
        const v = i + 1;
        const end = v === 1 ? axis.low : v === steps ? axis.high : "";
        return h("option", { value: String(v) }, end ? `${v} – ${end}` : String(v));
      }));
    return select;
  }

  function block(item) {
    const config = activity.config;
    const base = `matrix-${activity.id}-${item.id}`;
    const x = axisSelect(`${base}-x`, config.x, config.steps);
    const y = axisSelect(`${base}-y`, config.y, config.steps);
    const status = h("p", { class: "hint" });
    const changed = () => {
      if (activity.status !== "active") return;
      const own = positions()[item.id];
      if (x.value && y.value) {
        ctx.live.send("matrix.place", { activity: activity.id, item: item.id, x: Number(x.value), y: Number(y.value) });
      } else if (own) {
        ctx.live.send("matrix.place", { activity: activity.id, item: item.id, clear: true });
      }
    };
    x.addEventListener("change", changed);
    y.addEventListener("change", changed);
    return h("fieldset", { class: "matrix-item" }, h("legend", {}),
      h("div", { class: "axis-pair" },
        h("div", { class: "field" }, h("label", { for: x.id }, config.x.label), x),
        h("div", { class: "field" }, h("label", { for: y.id }, config.y.label), y)),
      status);
  }

  return {
    el,
    update(view) {
      if (activity?.id !== view.id) list.replaceChildren();
      activity = view;
      const open = view.status === "active";
      const own = positions();
      const items = itemsOf(view);
      how.textContent = rules(view.config);
      syncList(list, items, (i) => i.id, block, (fs, item) => {
        fs.querySelector("legend").textContent = item.label;
        const p = own[item.id];
        const [x, y] = fs.querySelectorAll("select");
        // A half-made choice (only one axis picked) stays as it is until the other follows.
        if (p) { x.value = String(p.x); y.value = String(p.y); }
        else if (x.value && y.value) { x.value = ""; y.value = ""; }
        x.disabled = y.disabled = !open;
        fs.querySelector(".hint").textContent = p
          ? t("matrix.placed", { x: `${view.config.x.label} ${p.x}`, y: `${view.config.y.label} ${p.y}` })
          : t("matrix.not_placed");
      });
      progress.textContent = t("matrix.progress", { done: items.filter((i) => own[i.id]).length, total: items.length });
      end.update(view);
    },
  };
}

// -- presenter ----------------------------------------------------------------------------

export function presenter() {
  return itemsPresenter({ rules: (view) => rules(view.config), results: results() });
}

// -- moderator ----------------------------------------------------------------------------

function axisFrom(data, name) {
  const axis = {};
  for (const part of ["label", "low", "high"]) {
    const value = String(data.get(`${name}_${part}`) || "").trim();
    if (value) axis[part] = value;
  }
  return Object.keys(axis).length ? axis : null;
}

export function configFrom(data) {
  const config = { items: itemsFromForm(data), steps: Number(data.get("steps")) || 5 };
  const x = axisFrom(data, "x");
  const y = axisFrom(data, "y");
  if (x) config.x = x;
  if (y) config.y = y;
  return config;
}

export function moderator(ctx) {
  return itemsModerator(ctx, { rules: (view) => rules(view.config), results: results() });
}
