// The phone's side of measure (static/js/activities/measure.js has what the audiences share).

import { fieldEditor } from "../activities/measure_field.js";
import { fieldsOf, progress } from "../activities/measure_show.js";
import { h, t } from "../dom.js";

let serial = 0;

export function participant(ctx) {
  const uid = `sheet-${(serial += 1)}`;
  let activity = null;
  let editors = [];
  const count = h("p", { class: "hint sheet-progress" });
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const fields = h("div", { class: "stack sheet-form" });
  const el = h("div", { class: "stack" }, h("p", { class: "hint" }, t("sheet.how")), count, closed, fields);
  const save = (field, value, version) =>
    ctx.live.send("sheet.edit", { activity: activity.id, field, value, version });

  return {
    el,
    update(view) {
      if (activity?.id !== view.id || !editors.length) {
        editors = fieldsOf(view).map((spec) => fieldEditor(spec, { uid, save }));
        fields.replaceChildren(...editors.map((e) => e.el));
      }
      activity = view;
      const open = view.status === "active";
      closed.hidden = open;
      count.textContent = progress(view);
      const you = ctx.live.state.you?.participant ?? null;
      const pending = ctx.live.pending("sheet.edit").filter((c) => c.activity === view.id);
      fieldsOf(view).forEach((spec, i) => {
        const waiting = pending.filter((c) => c.field === spec.id).pop();
        editors[i].update(view.sheet?.[spec.id], open, you, waiting);
      });
    },
    acked(command, ack) {
      for (const editor of editors) editor.acked(command, ack);
    },
    refused(command, error) {
      return editors.some((editor) => editor.refused(command, error));
    },
  };
}
