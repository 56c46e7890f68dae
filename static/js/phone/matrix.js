// The phone's side of matrix (static/js/activities/matrix.js has what the audiences share).

import { closedAndResults, itemsOf } from "../activities/items.js";
import { results, rules } from "../activities/matrix.js";
import { h, syncList, t } from "../dom.js";

export function acked(ctx, command, ack) {
  if (command.type !== "matrix.place") return;
  const mine = (ctx.live.state.mine[command.activity] ||= {});
  const positions = (mine.positions ||= {});
  if (command.clear) delete positions[command.item];
  else positions[command.item] = ack.result?.x ? ack.result : { x: command.x, y: command.y };
}



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
