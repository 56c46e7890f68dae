// The beamer's side of measure (static/js/activities/measure.js has what the audiences share):
// the sheet's fields in columns, each value clamped to a few lines.

import { sheetView } from "../activities/measure_show.js";

export function presenter() {
  const sheet = sheetView();
  const fields = sheet.el.querySelector(".sheet");
  fields.classList.add("fit-cols", "fit-list");
  fields.dataset.whole = "true"; // every field of the sheet, smaller if need be
  return {
    el: sheet.el,
    update(view) {
      sheet.update(view);
      for (const value of sheet.el.querySelectorAll(".sheet dd > p, .sheet dd li > span:first-child")) {
        value.classList.add("fit-clamp");
      }
      for (const steps of sheet.el.querySelectorAll(".sheet-steps")) steps.classList.add("fit-list");
    },
  };
}
