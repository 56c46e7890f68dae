// The connection line every page shows (an aria-live="polite" element in the template).

import { t } from "./dom.js";

export function showStatus(el, status) {
  if (!el) return;
  el.textContent = t(`status.${status}`);
  el.dataset.status = status;
}
