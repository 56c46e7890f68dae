// The beamer's side of slides (static/js/activities/slides.js has what the audiences share):
// the page shown as large as the screen allows, its number small in a corner, its text as the
// image's description for screen readers. A new page is loaded before it replaces the old
// one, so stepping never flashes an empty screen.

import { altText, imageUrl, shown } from "../activities/slides.js";
import { h, t } from "../dom.js";

let counter = 0;

export function presenter({ live }) {
  const id = `slide-text-${++counter}`;
  const img = h("img", { class: "slide-image", alt: "", "aria-describedby": id });
  const number = h("p", { class: "slide-number", "aria-hidden": "true" });
  const text = h("div", { class: "visually-hidden", id });
  const empty = h("p", { class: "note waiting" }, t("slides.none_yet"));
  const el = h("div", { class: "slides-stage" }, img, number, text, empty);
  let wanted = null;
  return {
    el,
    update(view) {
      const slides = shown(view);
      el.classList.toggle("has-deck", Boolean(slides));
      empty.hidden = Boolean(slides);
      img.hidden = number.hidden = !slides;
      if (!slides) {
        wanted = null;
        img.removeAttribute("src");
        text.textContent = "";
        return;
      }
      number.textContent = `${slides.page} / ${slides.pages}`;
      text.textContent = slides.slide.text;
      const url = imageUrl(live.state.session.code, slides);
      if (url === wanted) return;
      wanted = url;
      const show = () => {
        if (wanted !== url) return; // stepped on meanwhile
        img.src = url;
        img.width = slides.slide.width;
        img.height = slides.slide.height;
        img.alt = altText(slides);
        img.dataset.page = String(slides.page);
      };
      // The next image decoded first; shown anyway if decoding fails (the browser says why).
      const next = new Image();
      next.src = url;
      next.decode().then(show, show);
    },
  };
}
