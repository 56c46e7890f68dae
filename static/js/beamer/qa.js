// The beamer's side of qa (static/js/activities/qa.js has what the audiences share): the
// questions by votes, in columns, the first ones large.

import { flags, sorted, votesOf } from "../activities/qa.js";
import { h, plural, syncList, t } from "../dom.js";

export function presenter() {
  const count = h("p", { class: "count" });
  const empty = h("p", { class: "note" }, t("qa.none_yet"));
  const list = h("ol", { class: "questions-wall fit-list fit-cols" });
  return {
    el: h("div", { class: "stack" }, count, empty, list),
    update(view) {
      const questions = sorted(view);
      count.textContent = plural("qa.count", questions.length);
      empty.hidden = questions.length > 0;
      syncList(list, questions, (q) => q.id,
        () => h("li", { class: "card question" }, h("span", { class: "qa-votes" }),
          h("p", { class: "idea-text fit-clamp" }), h("p", { class: "hint" })),
        (li, q) => {
          const [votes, text, meta] = li.children;
          votes.textContent = plural("qa.votes", votesOf(view, q));
          text.textContent = q.text;
          meta.textContent = flags(q).join(" · ");
          meta.hidden = !meta.textContent;
          li.classList.toggle("answered", Boolean(q.answered));
          li.classList.toggle("pinned", Boolean(q.pinned));
        });
    },
  };
}
