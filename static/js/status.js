// The connection line every page shows (an aria-live="polite" element in the template). On the
// phone the text sits in a .status-text child next to the dot, which phone.css shows only
// while the connection is not there ("Connected" needs no room; "Offline" does).

import { t } from "./dom.js";

export function showStatus(el, status) {
  if (!el) return;
  const text = el.querySelector(".status-text") ?? el;
  text.textContent = t(`status.${status}`);
  el.dataset.status = status;
}
