// The console's photos: every photo of the session with its group and where it belongs
// (thumbnails; a click opens it full-size, with "Entfernen" behind a confirmation =
// photo.remove), the moderator's own upload for a phase or a group's work, and who may send
// photos from the phones (session.update's `photos`).

import { announce, changed, h, json, plural, t } from "../dom.js";
import { groupName, groupsOf } from "../groups.js";
import { mediaUrl, upload } from "../media.js";

const config = json("config"); // {code, ws, token}

// The activity or the phase a photo belongs to.
function whereOf(session, photo) {
  const activity = session.activities.find((a) => a.id === photo.activity);
  const phase = (session.phases || []).find((p) => p.id === photo.phase);
  return activity ? activity.title : phase ? t("phase.tag", { title: phase.title }) : "";
}

// Where a photo belongs, as one line: "Ideen · Mobilität" or "Phase: Input".
function placeOf(session, photo) {
  const group = groupName(session, photo.group);
  return [whereOf(session, photo), group, photo.by_moderator ? t("photos.by_moderation") : null]
    .filter(Boolean).join(" · ");
}

// What a moderator's photo can belong to: each phase, and each group's part of a per-group
// activity that has started.
function targets(session) {
  const out = (session.phases || []).map((p) => [`phase:${p.id}`, t("phase.tag", { title: p.title })]);
  for (const activity of session.activities) {
    if (!activity.per_group || activity.status === "draft") continue;
    for (const group of groupsOf(session)) {
      out.push([`activity:${activity.id}:${group.id}`, `${activity.title} · ${group.name}`]);
    }
  }
  return out;
}

export function photosPanel({ live, say, closed }) {
  const count = h("p", { class: "hint" });
  const list = h("ul", { class: "photo-admin" });
  // Who may send photos from the phones.
  const policy = h("select", { id: "photo-policy", name: "photos" },
    h("option", { value: "members" }, t("photos.policy.members")),
    h("option", { value: "spokespersons" }, t("photos.policy.spokespersons")),
    h("option", { value: "off" }, t("photos.policy.off")));
  policy.addEventListener("change", () => live.send("session.update", { photos: policy.value }));
  const policyField = h("div", { class: "stack" }, h("label", { for: policy.id }, t("photos.policy")), policy);
  // The moderator's upload.
  const target = h("select", { id: "photo-target", name: "target", required: true });
  const file = h("input", { id: "photo-file", type: "file", name: "file", accept: "image/*", required: true });
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": t("upload.progress") });
  const feedback = h("p", { class: "upload-feedback", "aria-live": "polite", "aria-atomic": "true" });
  const send = h("button", { type: "submit" }, t("photos.upload"));
  const form = h("form", { class: "stack photo-upload", onsubmit: async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen || !target.value) return announce(feedback, t("photos.choose"), "error");
    const [kind, id, group] = target.value.split(":");
    const data = new FormData();
    if (kind === "phase") data.append("phase", id);
    else {
      data.append("activity", id);
      data.append("group", group);
    }
    data.append("file", chosen);
    send.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    announce(feedback, t("photos.sending"));
    try {
      await upload(`/moderate/${encodeURIComponent(config.code)}/${encodeURIComponent(config.token)}/photos`, data,
        (share) => { progress.value = Math.round(share * 100); });
      announce(feedback, t("photos.sent"));
      file.value = "";
    } catch (error) {
      announce(feedback, error.message, "error");
    } finally {
      send.disabled = false;
      progress.hidden = true;
    }
  } },
  h("label", { for: target.id }, t("photos.target")), target,
  h("label", { for: file.id }, t("photos.file")), file, progress, feedback, send);
  const adding = h("details", { class: "photo-adding" }, h("summary", {}, t("photos.add_moderator")), form);

  // Full size, with the remove behind a confirmation.
  const big = h("img", { class: "photo-big", alt: "" });
  const caption = h("p", { class: "hint" });
  const removeButton = h("button", { type: "button", class: "danger" }, t("photos.remove"));
  const sure = h("div", { class: "stack", hidden: true },
    h("p", {}, t("photos.remove_text")),
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => { sure.hidden = true; removeButton.hidden = false; removeButton.focus(); } }, t("common.cancel")),
      h("button", { type: "button", class: "danger", onclick: () => {
        live.send("photo.remove", { photo: dialog.dataset.photo });
        dialog.close();
        say(t("photos.removed"));
      } }, t("photos.remove_yes"))));
  const dialog = h("dialog", { class: "photo-dialog", "aria-labelledby": "h-photo-dialog" },
    h("h2", { id: "h-photo-dialog" }, t("photos.photo")), big, caption, sure,
    h("form", { method: "dialog", class: "actions" }, removeButton, h("button", { value: "done", class: "primary" }, t("common.close"))));
  removeButton.addEventListener("click", (e) => {
    e.preventDefault();
    removeButton.hidden = true;
    sure.hidden = false;
    sure.querySelector(".danger").focus();
  });
  document.body.append(dialog);

  function open(photo, session) {
    dialog.dataset.photo = photo.id;
    big.src = mediaUrl(config.code, photo.image);
    big.width = photo.width;
    big.height = photo.height;
    big.alt = t("photos.alt", { group: placeOf(session, photo) });
    caption.textContent = placeOf(session, photo);
    sure.hidden = true;
    removeButton.hidden = closed();
    dialog.showModal();
  }

  const el = h("div", { class: "stack" }, count, list, policyField, adding);
  return {
    el,
    update(session) {
      const photos = session.photos || [];
      count.textContent = photos.length ? plural("photos.count", photos.length) : t("photos.none");
      policyField.hidden = adding.hidden = closed();
      if (document.activeElement !== policy) policy.value = session.photo_policy ?? "members";
      const options = targets(session);
      if (changed(target, options, session.phase)) {
        const was = target.value;
        target.replaceChildren(...options.map(([value, label]) => h("option", { value }, label)));
        target.value = options.some(([v]) => v === was) ? was : (session.phase ? `phase:${session.phase}` : options[0]?.[0] ?? "");
      }
      send.disabled = !options.length;
      // By where they belong (an activity, a phase), each with its group.
      const places = new Map();
      for (const photo of photos) {
        const where = whereOf(session, photo);
        if (!places.has(where)) places.set(where, []);
        places.get(where).push(photo);
      }
      const groupsOrder = groupsOf(session).map((g) => g.id);
      const byGroup = (a, b) => groupsOrder.indexOf(a.group) - groupsOrder.indexOf(b.group);
      const captionOf = (photo) => [groupName(session, photo.group),
        photo.by_moderator ? t("photos.by_moderation") : null].filter(Boolean).join(" · ");
      if (changed(list, [...places].map(([w, ps]) => [w, ps.map((p) => [p.id, captionOf(p)])]))) {
        list.replaceChildren(...[...places].map(([where, group]) => h("li", { class: "photo-place-group" },
          h("h3", { class: "photo-where" }, where || t("photos.heading")),
          h("ul", { class: "photo-admin-list" }, [...group].sort(byGroup).map((photo) => h("li", {},
            h("button", { type: "button", class: "photo-open", onclick: () => open(photo, session),
              "aria-label": t("photos.open", { where: placeOf(session, photo) }) },
            h("img", { src: mediaUrl(config.code, photo.thumb), alt: "", loading: "lazy",
              width: photo.width, height: photo.height })),
            h("span", { class: "photo-place" }, captionOf(photo))))))));
      }
      if (dialog.open && !photos.some((p) => p.id === dialog.dataset.photo)) dialog.close();
    },
  };
}
