// Fits the stage's slide into the viewport, as a slide and never a scrolling page. Condenses in
// steps until nothing sticks out: fewer lines per item, more (narrower) columns, a smaller type
// down to the floor (1/45 of the screen height, beamer.css), then the first items of the
// longest lists only, with "+ 12 weitere" in their place.

import { h, t } from "../dom.js";

// Each step: --lines (line clamp of item texts), --colw (column width in em), --scale (type).
const STEPS = [
  { lines: 5, colw: 22, scale: 1 },
  { lines: 4, colw: 20, scale: 1 },
  { lines: 3, colw: 18, scale: 1 },
  { lines: 3, colw: 15, scale: 0.9 },
  { lines: 2, colw: 15, scale: 0.9 },
  { lines: 2, colw: 13, scale: 0.8 },
  { lines: 2, colw: 12, scale: 0.7 },
  { lines: 2, colw: 11, scale: 0.6 },
];

const overflows = (el) => el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth;

function apply(stage, step) {
  stage.style.setProperty("--lines", String(step.lines));
  stage.style.setProperty("--colw", `${step.colw}em`);
  stage.style.setProperty("--scale", String(step.scale));
}

// Items of a list (li) that may be left out from its end; the "+ N more" entry is not one.
const items = (list) => [...list.children].filter((li) => !li.classList.contains("fit-more") && !li.hidden);

function showAll(stage) {
  for (const li of stage.querySelectorAll(".fit-cut")) li.classList.remove("fit-cut");
  for (const more of stage.querySelectorAll(".fit-more")) more.remove();
}

function moreOf(list) {
  let more = [...list.children].find((li) => li.classList.contains("fit-more"));
  if (!more) {
    more = h("li", { class: "fit-more" });
    list.append(more);
  }
  return more;
}

// A list on the slide (not hidden, by the attribute or by the CSS of its state).
const shownList = (list) => !list.closest("[hidden]") && list.getClientRects().length > 0;

const bottomOf = (box) => box.getBoundingClientRect().bottom - parseFloat(getComputedStyle(box).paddingBottom || 0);

// The box (slide or group column) a list is shown in.
const boxOf = (list, boxes) => boxes.filter((box) => box.contains(list)).pop();

// Leaves out, at once, every item that reaches below the bottom of its box (keeping one).
function cutBelow(stage, boxes) {
  for (const list of stage.querySelectorAll(".fit-list")) {
    if (!shownList(list)) continue;
    const box = boxOf(list, boxes);
    if (!box) continue;
    const bottom = bottomOf(box);
    // The first item that reaches below, and all after it: a list keeps its order.
    const shown = items(list);
    const first = shown.findIndex((li, i) => i > 0 && li.getBoundingClientRect().bottom > bottom);
    if (first > 0) for (const li of shown.slice(first)) li.classList.add("fit-cut");
    label(list);
  }
}

// A group's heading in a list (.fit-head) is not an item: it is not counted, and it does not
// stay behind at the end without its items.
function label(list) {
  const shown = items(list).filter((li) => !li.classList.contains("fit-cut"));
  for (let i = shown.length - 1; i > 0 && shown[i].classList.contains("fit-head"); i -= 1) shown[i].classList.add("fit-cut");
  const cut = items(list).filter((li) => li.classList.contains("fit-cut") && !li.classList.contains("fit-head")).length;
  if (cut) moreOf(list).textContent = t("presenter.more", { n: cut });
}

// Leaves out the last shown item of the list that reaches furthest down in a box that
// overflows (a list that sticks out of it first); false when there is none left to cut.
function cutOne(stage, boxes) {
  let best = null;
  let reach = -Infinity;
  for (const list of stage.querySelectorAll(".fit-list")) {
    if (!shownList(list)) continue;
    const box = boxOf(list, boxes);
    const shown = items(list).filter((li) => !li.classList.contains("fit-cut"));
    if (!box || !overflows(box) || shown.length <= 1) continue;
    const last = list.lastElementChild.getBoundingClientRect().bottom;
    const far = Math.max(list.getBoundingClientRect().bottom, last) - bottomOf(box);
    const score = far > 0 ? far + 1e6 : far; // sticking out counts before reaching down
    if (score > reach) {
      reach = score;
      best = { list, last: shown[shown.length - 1] };
    }
  }
  if (!best) return false;
  best.last.classList.add("fit-cut");
  label(best.list);
  return true;
}

// Cuts lists until the boxes fit.
function cut(stage, boxes, overflowing) {
  cutBelow(stage, boxes);
  for (let guard = 0; guard < 200 && overflowing(); guard += 1) {
    if (!cutOne(stage, boxes)) break;
  }
}

// The step chosen last time, for the same slide at the same size with as many items: a tally
// that changes numbers only is fitted with one try instead of a search.
let last = { key: null, index: 0 };

export function fit(stage) {
  const boxes = [stage.querySelector(".slide-body") ?? stage, ...stage.querySelectorAll(".group-column")];
  const overflowing = () => boxes.some(overflows);
  // Lists of results ([data-keep]) may show only their first items, as long as they show
  // that many: the winners large, rather than all at the smallest size.
  const lists = [...stage.querySelectorAll(".fit-list")].filter(shownList);
  const tops = lists.filter((l) => l.dataset.keep);
  const others = lists.filter((l) => !l.dataset.keep);
  const wholes = lists.filter((l) => l.dataset.whole); // left out only at the smallest step
  const total = others.reduce((n, l) => n + items(l).length, 0);
  const cutIn = (ls) => ls.reduce((n, l) => n + l.querySelectorAll(":scope > .fit-cut").length, 0);
  const topsShown = () => tops.every((l) => {
    const all = items(l);
    return all.length - all.filter((li) => li.classList.contains("fit-cut")).length >= Math.min(Number(l.dataset.keep), all.length);
  });
  // A step is good when everything fits, or fits after leaving out only a few items (a long
  // list shows its first ones large rather than all of them at the smallest size).
  const good = (index) => {
    showAll(stage);
    apply(stage, STEPS[index]);
    if (!overflowing()) return true;
    cut(stage, boxes, overflowing);
    return !overflowing() && cutIn(others) <= Math.max(2, total * 0.25) && topsShown()
      && cutIn(wholes) === 0;
  };
  const key = [innerWidth, innerHeight, stage.firstElementChild?.className,
    ...lists.map((l) => items(l).length)].join("|");
  const final = STEPS.length - 1;
  let index = 0;
  if (key === last.key) {
    index = last.index;
    good(index);
  } else {
    // The largest good step (the steps condense in order, so a binary search finds it).
    let low = 0;
    let high = final;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (good(mid)) high = mid;
      else low = mid + 1;
    }
    index = low;
    if (!good(index) && index !== final) good((index = final));
  }
  last = { key, index };
  stage.dataset.fit = String(index);
  document.body.dataset.fitted = String(Number(document.body.dataset.fitted || 0) + 1);
}
