// Every activity kind's widget for this audience, by the `kind` of its view; what the audiences
// share (reduce, results) is in ../activities/.

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
