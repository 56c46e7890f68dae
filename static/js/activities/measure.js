// Measure sheet: a group fills in one sheet together, field by field, from several phones
// (measure_field.js: saving with versions, and conflicts); the beamer and the console show
// every group's sheet as it grows (measure_show.js).

import { isFilled } from "./measure_show.js";

// sheet.edited carries the field's new value and version (and who changed it, as "by").
export function reduce(activity, name, data, at) {
  if (name !== "sheet.edited") return;
  const sheet = (activity.sheet ||= {});
  sheet[data.field] = { value: data.value, version: data.version,
    by: data.by ?? data.participant ?? null, at: data.at ?? at };
  // The results are the sheet too (for the archive); no tally follows, so keep them in step.
  if (activity.results?.sheet) {
    activity.results.sheet[data.field] = data.value;
    const values = Object.values(activity.results.sheet);
    activity.results.filled = values.filter(isFilled).length;
    activity.results.complete = activity.results.filled === values.length;
  }
}
