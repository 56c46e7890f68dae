// Slides: the input of a workshop, a PDF the moderator uploaded, shown page by page. The
// moderator's view holds the whole deck (`deck`, `page`); the beamer and the phones get only
// the page shown (`slides: {page, pages, name, slide: {image, width, height, text}}`).

import { t } from "../dom.js";
import { mediaUrl } from "../media.js";

export function reduce(activity, name, data) {
  if (name === "slides.attached") {
    if ("deck" in data) {
      activity.deck = data.deck;
      activity.page = 1;
    } else activity.slides = data.slides;
  } else if (name === "slides.shown") {
    if ("page" in data) activity.page = data.page;
    else activity.slides = data.slides;
  }
}

// What the beamer and the phones show, from either view: {page, pages, name, slide} or null.
export function shown(view) {
  if (view.slides !== undefined) return view.slides;
  const deck = view.deck;
  if (!deck || !deck.pages?.length) return null;
  const page = Math.min(Math.max(view.page || 1, 1), deck.pages.length);
  return { page, pages: deck.pages.length, name: deck.name, slide: deck.pages[page - 1] };
}

// "Folie 3 von 30" and, where the page has text, its first line: the image's name for
// screen readers (the whole text is its description).
export function pageLabel(slides) {
  return t("slides.page_of", { page: slides.page, pages: slides.pages });
}

export function altText(slides) {
  const first = (slides.slide.text || "").split("\n").map((line) => line.trim()).find(Boolean);
  return first ? `${pageLabel(slides)}: ${first}` : pageLabel(slides);
}

export const imageUrl = (code, slides) => mediaUrl(code, slides.slide.image);
