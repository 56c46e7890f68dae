// Items of dots, ranking, scale and matrix: typed in as lines, or taken from an earlier
// activity (all, a cluster, the top N) when the activity is first activated. What every
// audience reads of them; the create forms and the console's parts are in console/items.js,
// the end of a phone's widget in phone/items.js.

import { groupName } from "../groups.js";

// The frozen items of an activated view; a moderator's draft has only config.items as
// written (labels, or a source that is resolved later).
export function itemsOf(view) {
  if (Array.isArray(view.items)) return view.items;
  const written = view.config?.items;
  if (Array.isArray(written)) {
    return written.map((item, i) => (typeof item === "string" ? { id: `t${i + 1}`, label: item } : item));
  }
  return [];
}

// The name of the group an item came from (an idea of a per-group wall), else null.
export const groupOfItem = (session, item) => (item?.group ? groupName(session, item.group) : null);

export function labelOf(view, id) {
  return itemsOf(view).find((item) => item.id === id)?.label ?? id;
}
