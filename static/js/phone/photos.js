// Photos of the group's work from the phone: in a per-group activity of the phone's own group,
// "Foto hinzufügen" opens the camera (or the gallery); the photo goes up with its progress and
// lands with the group's other photos, shown as thumbnails. Who may send one is the session's
// photo_policy (members, spokespersons only, or off); the server decides again.

import { announce, h, t } from "../dom.js";
import { groupName } from "../groups.js";
import { mayAddPhoto, mediaUrl, photosOf, upload } from "../media.js";

let counter = 0;

export function photoPanel(ctx) {
  const id = `photo-file-${++counter}`;
  // Hidden: the button opens it (its own look would be the browser's, not a 48 px target).
  const input = h("input", { type: "file", id, name: "file", accept: "image/*", capture: "environment",
    hidden: true, "aria-label": t("photos.add") });
  const button = h("button", { type: "button", class: "photo-add", onclick: () => input.click() },
    t("photos.add"));
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": t("photos.sending") });
  const feedback = h("p", { class: "feedback", "aria-live": "polite", "aria-atomic": "true" });
  const heading = h("h3", {}, t("photos.group_heading"));
  const list = h("ul", { class: "photo-thumbs" });
  const hint = h("p", { class: "hint" });
  const el = h("section", { class: "stack phone-photos", "aria-label": t("photos.heading") },
    heading, h("div", { class: "photo-send" }, button, progress), feedback, hint, list, input);
  let view = null;
  let key = "";

  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file || !view) return;
    const data = new FormData();
    data.append("activity", view.id);
    data.append("file", file);
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    announce(feedback, t("photos.sending"));
    try {
      await upload(`/s/${encodeURIComponent(ctx.live.state.session.code)}/photos`, data, (share) => {
        progress.value = Math.round(share * 100);
      });
      announce(feedback, t("photos.sent"));
    } catch (error) {
      announce(feedback, error.message, "error");
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });

  return {
    el,
    update(next) {
      view = next;
      const state = ctx.live.state;
      const session = state.session;
      const photos = next.per_group && next.group ? photosOf(session, { activity: next.id, group: next.group }) : [];
      const may = mayAddPhoto(state, next);
      const policy = session.photo_policy ?? "members";
      // Only the spokesperson may: the others learn who can.
      hint.hidden = may || policy !== "spokespersons" || !next.per_group || !next.group;
      hint.textContent = t("photos.spokespersons_only");
      el.hidden = !may && !photos.length && hint.hidden;
      button.hidden = !may;
      list.hidden = !photos.length;
      const shown = JSON.stringify(photos.map((p) => p.id));
      if (shown === key) return;
      key = shown;
      const group = groupName(session, next.group) ?? "";
      list.replaceChildren(...photos.map((photo) => h("li", {},
        h("a", { href: mediaUrl(session.code, photo.image), target: "_blank", rel: "noopener" },
          h("img", { src: mediaUrl(session.code, photo.thumb), alt: t("photos.alt", { group }),
            width: photo.width, height: photo.height, loading: "lazy", decoding: "async" })))));
    },
  };
}
