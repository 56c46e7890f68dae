// The console's side of words (static/js/activities/words.js has what the audiences share).

import { normalise, results } from "../activities/words.js";
import { h, plural, syncList, t } from "../dom.js";

export function configFrom(data) {
  return { max_words: Number(data.get("max_words")) || 3 };
}

export function moderator(ctx) {
  let activity = null;
  const chart = results({ all: true });
  const list = h("ul", { class: "idea-admin word-admin" });
  const heading = h("h4", {}, t("words.manage"));
  return {
    el: h("div", { class: "stack" }, chart.el, heading, list),
    update(view) {
      activity = view;
      chart.el.hidden = !view.results;
      if (!view.results) return;
      chart.update(view);
      const words = view.results.words || [];
      heading.hidden = !words.length;
      syncList(list, words, (w) => w.word, () => {
        const li = h("li", {}, h("span", { class: "idea-text" }), h("span", { class: "hint" }), h("button", { type: "button" }));
        li.lastChild.addEventListener("click", () => ctx.live.send(li.lastChild.dataset.command,
          { activity: activity.id, word: li.lastChild.dataset.word }));
        return li;
      }, (li, w) => {
        const [word, count, button] = li.children;
        word.textContent = w.word;
        count.textContent = ` · ${plural("words.times", w.count)}${w.hidden ? ` · ${t("idea.hidden")}` : ""}`;
        li.classList.toggle("muted", Boolean(w.hidden));
        button.dataset.command = w.hidden ? "words.restore" : "words.hide";
        button.dataset.word = normalise(w.word);
        button.textContent = t(w.hidden ? "idea.restore" : "idea.hide");
        button.setAttribute("aria-label", t(w.hidden ? "words.restore" : "words.hide", { word: w.word }));
        button.hidden = ctx.closed();
      });
    },
  };
}
