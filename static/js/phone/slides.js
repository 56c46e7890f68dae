// The phone's side of slides (static/js/activities/slides.js has what the audiences share):
// the page on the beamer, as wide as the phone, "Folie 3 von 30", and the page's text to read
// along (and for screen readers) in a section that opens. Nothing to send.

import { altText, imageUrl, pageLabel, shown } from "../activities/slides.js";
import { h, t } from "../dom.js";

export function participant(ctx) {
  const img = h("img", { class: "slide-image", alt: "" });
  const label = h("p", { class: "slide-label", "aria-live": "polite" });
  const text = h("div", { class: "slide-text" });
  const details = h("details", { class: "slide-details" }, h("summary", {}, t("slides.text")), text);
  const empty = h("p", { class: "note" }, t("slides.none_yet"));
  const el = h("div", { class: "stack slides-phone" }, empty, h("figure", { class: "slide-figure" }, img, label), details);
  return {
    el,
    update(view) {
      const slides = shown(view);
      empty.hidden = Boolean(slides);
      el.querySelector("figure").hidden = !slides;
      if (!slides) {
        details.hidden = true;
        return;
      }
      const url = imageUrl(ctx.live.state.session.code, slides);
      if (img.getAttribute("src") !== url) {
        img.src = url;
        img.width = slides.slide.width;
        img.height = slides.slide.height;
        img.alt = altText(slides);
        img.dataset.page = String(slides.page);
      }
      label.textContent = pageLabel(slides);
      const words = slides.slide.text.trim();
      details.hidden = !words;
      if (text.textContent !== words) {
        text.replaceChildren(...words.split(/\n{2,}/).map((part) => h("p", {}, part)));
      }
    },
  };
}
