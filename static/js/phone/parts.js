// Parts every phone widget uses: the send bar (the send button where the thumb is, with the
// feedback region next to it) and the label of an item with the name of the group it came from.

import { groupOfItem } from "../activities/items.js";
import { fill, h } from "../dom.js";

// A live region for what the phone says about the control next to it ("Sent", "2 dots
// left", "One word per field"). participant.js finds the one next to what was touched last;
// it is in the page from the start (screen readers miss regions that appear).
export const feedback = () => h("p", { class: "feedback", "aria-live": "polite", "aria-atomic": "true" });

// The bottom of a widget's form: feedback, then the button(s). The bar sticks to the bottom
// of the screen while its form is longer than the screen (phone.css).
export const sendBar = (...children) => h("div", { class: "send-bar" }, feedback(), ...children);

// "Tempo 30 (Mobilität)" where a text must carry both (aria-labels, summaries).
export function itemText(session, item) {
  const group = groupOfItem(session, item);
  return group ? `${item.label} (${group})` : item?.label ?? "";
}

// Fills el with the item's label and, for an item of a group, a small tag with its name.
export function fillItem(el, session, item) {
  const group = groupOfItem(session, item);
  const key = `${item.label}\n${group ?? ""}`;
  if (el.dataset.shown === key) return;
  el.dataset.shown = key;
  fill(el, h("span", { class: "item-text" }, item.label),
    group ? h("span", { class: "item-group" }, " ", h("span", { class: "visually-hidden" }, "("), group,
      h("span", { class: "visually-hidden" }, ")")) : null);
}
