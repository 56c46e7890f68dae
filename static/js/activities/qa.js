// Questions to the panel: phones ask and upvote each other's questions; everyone sees the
// open questions ranked by votes (pinned first, answered last); the moderator marks them
// answered (with the answer, if they record one), pins, hides and (under premoderation)
// approves them.

import { t } from "../dom.js";

export const TEXT_LIMIT = 280;

export function reduce(activity, name, data) {
  if (!name.startsWith("question.")) return;
  const questions = (activity.questions ||= []);
  const id = typeof data.question === "string" ? data.question : data.question?.id;
  const index = questions.findIndex((q) => q.id === id);
  if (name === "question.answered") {
    answered(questions, index, data);
    return;
  }
  if (typeof data.question === "string") {
    if (index >= 0) questions.splice(index, 1); // hidden or withdrawn: gone for this audience
  } else if (data.question) {
    put(questions, index, data.question);
  }
}

// A question's whole view in place of the one held. The views have `answer` only when there
// is one, so a view without it takes an answer away.
function put(questions, index, view) {
  if (index < 0) return questions.push(view);
  const merged = { ...questions[index], ...view };
  if (!("answer" in view)) delete merged.answer;
  questions[index] = merged;
}

// question.answered (protocol 1.3): the flag, and the answer when the command carried one
// ("" took it away). The event may carry the whole question or only its id.
function answered(questions, index, data) {
  if (typeof data.question === "object" && data.question) put(questions, index, data.question);
  else if (index < 0) return;
  const question = questions[index >= 0 ? index : questions.length - 1];
  if (typeof data.answered === "boolean") question.answered = data.answered;
  if (typeof data.answer === "string") {
    if (data.answer) question.answer = data.answer;
    else delete question.answer;
  }
}

// The answer the moderation recorded, or "" (the audiences get it only when there is one).
export const answerOf = (question) => (typeof question.answer === "string" ? question.answer : "");

export const ANSWER_LIMIT = 1000;

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
