// Every activity kind's widget for the phone, by the `kind` of its view; what the audiences
// share (reduce, results) is in ../activities/.
//
// A phone loads a kind's widget when the workshop first reaches that kind, not all ten with
// the page: most sessions use a few, and a phone on a crowded Wi-Fi pays for every byte (the
// page preloads the kind that is current when it opens). KINDS holds the ones loaded so far.

const LOADERS = {
  ideas: () => import("./ideas.js"),
  poll: () => import("./poll.js"),
  dots: () => import("./dots.js"),
  ranking: () => import("./ranking.js"),
  scale: () => import("./scale.js"),
  matrix: () => import("./matrix.js"),
  consent: () => import("./consent.js"),
  words: () => import("./words.js"),
  qa: () => import("./qa.js"),
  measure: () => import("./measure.js"),
  slides: () => import("./slides.js"),
};

export const KNOWN = new Set(Object.keys(LOADERS));
export const KINDS = {};
const loading = {};

// The kind's module, loaded once; a failed load (the network went away) may be tried again.
export function load(kind) {
  if (KINDS[kind] || !LOADERS[kind]) return Promise.resolve(KINDS[kind]);
  loading[kind] ||= LOADERS[kind]().then((module) => (KINDS[kind] = module))
    .finally(() => delete loading[kind]);
  return loading[kind];
}
