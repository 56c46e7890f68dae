// Every activity kind the pages know, by the `kind` of its view. A kind module exports
// reduce(activity, event, data) for its events, one widget per audience
// (participant/presenter/moderator(ctx) -> {el, update(activity)}), acked() for what
// an ack tells the participant's own phone, and configFrom(formData) for the console's form.
// A participant widget may also have acked(command, ack) and refused(command, error) (true:
// it showed the refusal itself).

import * as consent from "./consent.js";
import * as dots from "./dots.js";
import * as ideas from "./ideas.js";
import * as matrix from "./matrix.js";
import * as measure from "./measure.js";
import * as poll from "./poll.js";
import * as qa from "./qa.js";
import * as ranking from "./ranking.js";
import * as scale from "./scale.js";
import * as words from "./words.js";

export const KINDS = { ideas, poll, dots, ranking, scale, matrix, consent, words, qa, measure };
