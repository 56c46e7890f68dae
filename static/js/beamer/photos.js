// Photos of the room's work on the beamer, with the activity on the screen: per group, a strip
// of thumbnails at the foot of the group's column (the column's heading names the group);
// photos that belong to no group (a plenary activity, the moderation's) in a row below the
// activity, each with its caption. Nothing scrolls: what does not fit is counted ("+ 3 weitere").

import { h, t } from "../dom.js";
import { groupName } from "../groups.js";
import { mediaUrl, photosOf } from "../media.js";

function tile(session, photo, caption) {
  const group = groupName(session, photo.group) ?? t("photos.by_moderation");
  return h("li", { class: "photo-tile" },
    h("img", { src: mediaUrl(session.code, photo.thumb), alt: t("photos.alt", { group }),
      width: photo.width, height: photo.height, decoding: "async" }),
    caption ? h("span", { class: "photo-group" }, group) : null);
}

// The tiles of a list that fit in its one row; the rest hidden and counted in `more`.
function fitRow(list) {
  const more = list.querySelector(":scope > .photo-more");
  const tiles = [...list.children].filter((li) => li !== more);
  for (const li of tiles) li.hidden = false;
  more.hidden = true;
  if (list.hidden || !list.isConnected) return;
  for (let cut = 1; cut <= tiles.length && list.scrollWidth > list.clientWidth + 1; cut += 1) {
    tiles[tiles.length - cut].hidden = true;
    more.hidden = false;
    more.textContent = t("presenter.more", { n: cut });
  }
}

function fillRow(list, session, photos, caption) {
  const key = JSON.stringify([photos.map((p) => p.id), caption && photos.map((p) => groupName(session, p.group))]);
  list.hidden = !photos.length;
  if (list.dataset.shown === key) return;
  list.dataset.shown = key;
  list.replaceChildren(...photos.map((photo) => tile(session, photo, caption)),
    h("li", { class: "photo-more", hidden: true }));
}

export function photoRow(live) {
  const row = h("ul", { class: "photo-row" });
  const el = h("section", { class: "beamer-photos", "aria-label": t("photos.heading") }, row);
  let slide = null;
  return {
    el,
    // view: the activity on the screen; its slide holds the group columns (beamer/index.js).
    update(view, slideEl) {
      slide = slideEl;
      const session = live.state.session;
      const photos = photosOf(session, { activity: view.id });
      const columns = view.per_group ? [...slide.querySelectorAll(".group-column[data-key]")] : [];
      const inColumns = new Set();
      for (const column of columns) {
        let strip = column.querySelector(":scope > .column-photos");
        if (!strip) {
          strip = h("ul", { class: "photo-row column-photos", "aria-label": t("photos.heading") });
          column.append(strip);
        }
        const own = photos.filter((p) => p.group === column.dataset.key);
        own.forEach((p) => inColumns.add(p.id));
        fillRow(strip, session, own, false);
      }
      const rest = photos.filter((p) => !inColumns.has(p.id));
      fillRow(row, session, rest, true);
      el.hidden = !rest.length;
      this.fit();
    },
    fit() {
      for (const list of slide?.querySelectorAll(".photo-row") || []) fitRow(list);
    },
  };
}
