// Words: each phone sends one to three words; the result is a word cloud (font size by how
// many said it). The moderator can hide a word from beamer and phones.

import { cloud } from "../charts.js";
import { h, plural, t } from "../dom.js";

export const WORD_LIMIT = 40;

export function reduce() {
  // Words arrive only as tallies; hiding a word changes the results the tally carries.
}

// The form in which the server counts a word (NFC, trimmed, casefolded); hide and restore
// name a word by it. toLowerCase plus ß → ss is what casefold does for German and English.
export function normalise(word) {
  return word.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase().replace(/ß/g, "ss");
}

export function results({ all = false } = {}) {
  const words = cloud();
  const voters = h("p", { class: "hint", "aria-live": "polite" });
  const empty = h("p", { class: "note" }, t("words.none_yet"));
  return {
    el: h("div", { class: "results" }, words.el, empty, voters),
    update(view) {
      const list = (view.results.words || []).filter((w) => all || !w.hidden);
      words.update(list);
      empty.hidden = list.length > 0;
      voters.textContent = plural("words.voters", view.results.voters);
    },
  };
}
