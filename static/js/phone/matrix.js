// The phone's side of matrix (static/js/activities/matrix.js has what the audiences share).

import { itemsOf } from "../activities/items.js";
import { closedAndResults } from "../phone/items.js";
import { results, rules } from "../activities/matrix.js";
import { h, syncList, t } from "../dom.js";
import { fillItem, sendBar } from "./parts.js";

export function acked(ctx, command, ack) {
  if (command.type !== "matrix.place") return;
  const mine = (ctx.live.state.mine[command.activity] ||= {});
  const positions = (mine.positions ||= {});
  if (command.clear) delete positions[command.item];
  else positions[command.item] = ack.result?.x ? ack.result : { x: command.x, y: command.y };
}

// Each item is a grid to tap: columns are x (left low, right high), rows y (top high). The
// cells are real radio buttons named by both values ("Aufwand 2, Wirkung 5"), so arrow keys
// and screen readers work as with any radio group.
export function participant(ctx) {
  let activity = null;
  const how = h("p", { class: "hint" });
  const list = h("div", { class: "stack matrix-items" });
  const progress = h("p", { class: "chosen", "aria-live": "polite" });
  const end = closedAndResults(results());
  const el = h("div", { class: "stack" }, how, list, sendBar(progress), ...end.els);

  function positions() {
    const own = { ...(ctx.live.state.mine[activity.id]?.positions || {}) };
    for (const c of ctx.live.pending("matrix.place")) {
      if (c.activity !== activity.id) continue;
      if (c.clear) delete own[c.item];
      else own[c.item] = { x: c.x, y: c.y };
    }
    return own;
  }

  function place(item, x, y) {
    if (activity.status !== "active") return;
    ctx.live.send("matrix.place", { activity: activity.id, item: item.id, x, y });
  }

  function block(item) {
    const { x: ax, y: ay, steps } = activity.config;
    const name = `matrix-${activity.id}-${item.id}`;
    const cells = [];
    for (let y = steps; y >= 1; y -= 1) {
      for (let x = 1; x <= steps; x += 1) {
        const input = h("input", { type: "radio", name, value: `${x},${y}`, onchange: () => place(item, x, y) });
        const quarter = `${x > (steps + 1) / 2 ? "r" : x < (steps + 1) / 2 ? "l" : "m"}${y > (steps + 1) / 2 ? "t" : y < (steps + 1) / 2 ? "b" : "m"}`;
        cells.push(h("label", { class: "matrix-cell", "data-q": quarter },
          input, h("span", { class: "visually-hidden" }, t("matrix.cell", { x: `${ax.label} ${x}`, y: `${ay.label} ${y}` }))));
      }
    }
    const grid = h("div", { class: "matrix-grid" }, cells);
    const clear = h("button", { type: "button", class: "small matrix-clear", onclick: () => {
      if (activity.status === "active") ctx.live.send("matrix.place", { activity: activity.id, item: item.id, clear: true });
    } }, t("matrix.clear"));
    // The y axis reads upwards (turned text): low first, at the bottom.
    const field = h("div", { class: "matrix-field" },
      h("p", { class: "matrix-y", "aria-hidden": "true" },
        h("span", { class: "end" }, ay.low), h("span", { class: "axis" }, `${ay.label} →`), h("span", { class: "end" }, ay.high)),
      grid,
      h("p", { class: "matrix-x", "aria-hidden": "true" },
        h("span", { class: "end" }, ax.low), h("span", { class: "axis" }, `${ax.label} →`), h("span", { class: "end" }, ax.high)));
    field.style.setProperty("--steps", String(steps)); // CSSOM: the CSP allows no style attributes
    return h("fieldset", { class: "matrix-item" }, h("legend", {}),
      field,
      h("div", { class: "matrix-state" }, h("p", { class: "hint" }), clear));
  }

  return {
    el,
    update(view) {
      if (activity?.id !== view.id) list.replaceChildren();
      activity = view;
      const open = view.status === "active";
      const own = positions();
      const items = itemsOf(view);
      const session = ctx.live.state.session;
      how.textContent = rules(view.config);
      // The prompt usually says it already; then only screen readers need the rules.
      how.classList.toggle("visually-hidden", Boolean(view.prompt));
      syncList(list, items, (i) => i.id, block, (fs, item) => {
        fillItem(fs.querySelector("legend"), session, item);
        const p = own[item.id];
        const wanted = p ? `${p.x},${p.y}` : "";
        for (const input of fs.querySelectorAll("input")) {
          input.checked = input.value === wanted;
          input.disabled = !open;
        }
        fs.querySelector(".matrix-clear").hidden = !open || !p;
        fs.querySelector(".matrix-state .hint").textContent = p
          ? t("matrix.placed", { x: `${view.config.x.label} ${p.x}`, y: `${view.config.y.label} ${p.y}` })
          : t("matrix.not_placed");
      });
      progress.textContent = t("matrix.progress", { done: items.filter((i) => own[i.id]).length, total: items.length });
      end.update(view);
    },
  };
}
