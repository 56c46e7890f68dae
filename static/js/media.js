// Files of a session (slides, photos): where the server serves them, and uploads with their
// progress. The upload routes answer JSON ({"ok": true, ...} or {"error", "message"}); a
// refusal rejects with the server's message, in the page's language (docs/http.md).

import { t } from "./dom.js";

export const mediaUrl = (code, name) => `/media/${encodeURIComponent(code)}/${encodeURIComponent(name)}`;

// Sends the form data by POST; onProgress(share 0..1) while the file goes up. Resolves with
// the answer, rejects with an Error whose message is for people.
export function upload(url, data, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Accept", "application/json");
    request.responseType = "json";
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && e.total) onProgress(e.loaded / e.total);
    });
    request.addEventListener("load", () => {
      const answer = request.response;
      if (request.status >= 200 && request.status < 300 && answer?.ok) resolve(answer);
      else if (request.status === 413 && !answer?.message) reject(new Error(t("upload.too_large")));
      else reject(new Error(answer?.message || t("upload.failed")));
    });
    request.addEventListener("error", () => reject(new Error(t("upload.network"))));
    request.addEventListener("timeout", () => reject(new Error(t("upload.network"))));
    request.send(data);
  });
}

// The photos of a session view, for an activity (and a group), or for a phase.
export function photosOf(session, { activity = undefined, group = undefined, phase = undefined } = {}) {
  return (session?.photos || []).filter((p) => (activity === undefined || p.activity === activity)
    && (group === undefined || p.group === group) && (phase === undefined || p.phase === phase));
}

// Whether this phone may send a photo to the activity it shows (the server decides again).
export function mayAddPhoto(state, view) {
  const session = state?.session;
  const policy = session?.photo_policy ?? "members";
  if (!view?.per_group || !view.group || policy === "off") return false;
  if (!["active", "locked"].includes(view.status)) return false;
  if (state.you?.group !== view.group) return false;
  return policy === "members" || Boolean(state.you?.spokesperson);
}
