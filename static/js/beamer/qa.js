// The beamer's side of qa (static/js/activities/qa.js has what the audiences share): the
// questions by votes, in columns, the first ones large, each with its answer when one was
// recorded.

import { answerOf, flags, sorted, votesOf } from "../activities/qa.js";
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
          h("p", { class: "idea-text fit-clamp" }), h("p", { class: "hint" }),
          h("p", { class: "qa-answer fit-clamp" }, h("span", { class: "qa-answer-label" }), h("span", { class: "qa-answer-text" }))),
        (li, q) => {
          const [votes, text, meta, answer] = li.children;
          votes.textContent = plural("qa.votes", votesOf(view, q));
          text.textContent = q.text;
          meta.textContent = flags(q).join(" · ");
          meta.hidden = !meta.textContent;
          // The answer the moderation recorded: under the question, clamped like it (the whole
          // text is on the console and in the documentation).
          answer.hidden = !answerOf(q);
          answer.firstChild.textContent = `${t("qa.answer_heading")}: `;
          answer.lastChild.textContent = answerOf(q);
          li.classList.toggle("answered", Boolean(q.answered));
          li.classList.toggle("pinned", Boolean(q.pinned));
        });
    },
  };
}
