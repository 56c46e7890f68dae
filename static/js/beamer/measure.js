// The beamer's side of measure (static/js/activities/measure.js has what the audiences share).

import { sheetView } from "../activities/measure_show.js";

export function presenter() {
  const sheet = sheetView();
  return { el: sheet.el, update: (view) => sheet.update(view) };
}
