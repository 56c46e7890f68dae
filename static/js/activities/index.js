// Every activity kind the pages know, by the `kind` of its view. A kind module exports
// reduce(activity, event, data) for its events, one widget per audience
// (participant/presenter/moderator(ctx) -> {el, update(activity)}), and acked() for what
// an ack tells the participant's own phone.

import * as ideas from "./ideas.js";
import * as poll from "./poll.js";

export const KINDS = { ideas, poll };
