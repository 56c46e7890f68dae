// Questions to the panel: phones ask and upvote each other's questions; everyone sees the
// open questions ranked by votes (pinned first, answered last); the moderator marks them
// answered, pins, hides and (under premoderation) approves them.

import { t } from "../dom.js";

export const TEXT_LIMIT = 280;

export function reduce(activity, name, data) {
  if (!name.startsWith("question.")) return;
  const questions = (activity.questions ||= []);
  const id = typeof data.question === "string" ? data.question : data.question?.id;
  const index = questions.findIndex((q) => q.id === id);
  if (typeof data.question === "string") {
    if (index >= 0) questions.splice(index, 1); // hidden or withdrawn: gone for this audience
  } else if (data.question) {
    if (index >= 0) questions[index] = { ...questions[index], ...data.question };
    else questions.push(data.question);
  }
}

// Votes from the latest tally, else as the question record had them.
export function votesOf(view, question) {
  return view.results?.questions?.find((q) => q.id === question.id)?.votes ?? question.votes ?? 0;
}

// Pinned first, then open before answered, then most votes, then oldest.
export function sorted(view, questions = view.questions || []) {
  return [...questions].sort((a, b) => (b.pinned ? 1 : 0) - (a.pinned ? 1 : 0)
    || (a.answered ? 1 : 0) - (b.answered ? 1 : 0)
    || votesOf(view, b) - votesOf(view, a)
    || String(a.at).localeCompare(String(b.at)));
}

export function flags(question) {
  return [question.pinned && t("qa.pinned"), question.answered && t("qa.answered")].filter(Boolean);
}
