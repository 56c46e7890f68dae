// What every page needs of each activity kind, by the `kind` of its view: reduce(activity, event,
// data) for its events (static/js/reduce.js). The widgets live apart, one module per audience,
// so that a page loads only its own: phone/ (participant(ctx) -> {el, update(view)}, and
// acked(ctx, command, ack) for what an ack tells the phone; a widget may also have
// acked(command, ack) and refused(command, error), true when it showed the refusal itself),
// beamer/ (presenter) and console/ (moderator, and configFrom(formData) for the create form).

import * as consent from "./consent.js";
import * as dots from "./dots.js";
import * as ideas from "./ideas.js";
import * as matrix from "./matrix.js";
import * as measure from "./measure.js";
import * as poll from "./poll.js";
import * as qa from "./qa.js";
import * as ranking from "./ranking.js";
import * as scale from "./scale.js";
import * as slides from "./slides.js";
import * as words from "./words.js";

export const KINDS = { ideas, poll, dots, ranking, scale, matrix, consent, words, qa, measure, slides };
