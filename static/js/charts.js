// Simple charts built with DOM APIs (the page's CSP allows no inline markup or styles):
// bars with their numbers beside them, a 2×2 matrix of mean positions with their spread,
// and a word cloud. Colour never carries meaning alone: every value is also written out.

import { h, syncList, t } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value != null) el.setAttribute(name, String(value));
  }
  el.append(...children);
  return el;
}

// Horizontal bars: rows = [{key, label, value, max, text, rank?, detail?, tag?}]; rank ("1.")
// goes before the label, text (the number in words) beside the bar, detail in small print
// below; tag (the group an item came from) after the label (the beamer fills it by key).
export function bars({ ranked = false } = {}) {
  const list = h(ranked ? "ol" : "ul", { class: ranked ? "bars ranked" : "bars" });
  return {
    el: list,
    update(rows) {
      syncList(list, rows, (r) => r.key,
        () => h("li", {},
          h("span", { class: "bar-label" }, h("span", { class: "bar-rank" }),
            h("span", { class: "group-tag", hidden: true }), h("span", { class: "bar-text" })),
          h("span", { class: "bar-value" }),
          h("span", { class: "bar", "aria-hidden": "true" }, h("span", { class: "bar-fill" })),
          h("span", { class: "bar-detail" })),
        (li, row) => {
          const [label, value, bar, detail] = li.children;
          const [rank, tag, text] = label.children;
          rank.textContent = row.rank != null ? `${row.rank}. ` : "";
          text.textContent = row.label;
          if (row.tag !== undefined) {
            tag.textContent = row.tag ?? "";
            tag.hidden = !row.tag;
          }
          value.textContent = row.text;
          detail.textContent = row.detail ?? "";
          detail.hidden = !row.detail;
          const share = row.max > 0 ? Math.max(0, Math.min(1, row.value / row.max)) : 0;
          bar.firstChild.style.width = `${(share * 100).toFixed(1)}%`;
        });
    },
  };
}

// The 2×2 matrix: points = [{number (from 1), label, x, y, sx, sy}] on axes 1..steps.
// Each item is a numbered dot at its mean, with an ellipse of one standard deviation; the
// legend beside it says the same in words, so nothing depends on seeing the chart.
export function matrix() {
  const size = 400;
  const pad = 44;
  const chart = svg("svg", { viewBox: `0 0 ${size} ${size}`, class: "matrix-chart", role: "img" });
  const title = svg("title");
  chart.append(title);
  const el = h("figure", { class: "matrix" }, chart);
  return {
    el,
    update(config, points) {
      const steps = config.steps;
      const inner = size - 2 * pad;
      const px = (v) => pad + ((v - 1) / (steps - 1)) * inner;
      const py = (v) => size - pad - ((v - 1) / (steps - 1)) * inner;
      const scale = inner / (steps - 1);
      title.textContent = t("matrix.chart_title", { x: config.x.label, y: config.y.label });
      chart.setAttribute("aria-label", title.textContent);
      const mid = size / 2;
      const placed = points.filter((p) => p.x != null && p.y != null);
      // Many items: their spreads would cover the chart; the legend has them in words.
      chart.classList.toggle("crowded", placed.length > 8);
      chart.replaceChildren(title,
        svg("rect", { x: pad, y: pad, width: inner, height: inner, class: "matrix-frame" }),
        svg("line", { x1: mid, y1: pad, x2: mid, y2: size - pad, class: "matrix-mid" }),
        svg("line", { x1: pad, y1: mid, x2: size - pad, y2: mid, class: "matrix-mid" }),
        text(mid, size - 8, config.x.label, "axis", "middle"),
        text(pad, size - pad + 18, config.x.low, "end-label", "start"),
        text(size - pad, size - pad + 18, config.x.high, "end-label", "end"),
        svg("text", { x: 0, y: 0, class: "axis", transform: `translate(14 ${mid}) rotate(-90)`,
          "text-anchor": "middle" }, config.y.label),
        svg("text", { x: 0, y: 0, class: "end-label", "text-anchor": "start",
          transform: `translate(${pad - 8} ${size - pad}) rotate(-90)` }, config.y.low),
        svg("text", { x: 0, y: 0, class: "end-label", "text-anchor": "end",
          transform: `translate(${pad - 8} ${pad}) rotate(-90)` }, config.y.high),
        ...dodge(placed.map((p) => ({ p, x: px(p.x), y: py(p.y) })), 13).map(({ p, x, y }) =>
          svg("g", { class: "matrix-item" },
            svg("ellipse", { cx: px(p.x), cy: py(p.y), rx: Math.max(4, (p.sx || 0) * scale),
              ry: Math.max(4, (p.sy || 0) * scale), class: "spread" }),
            svg("circle", { cx: x, cy: y, r: 12, class: "dot" }),
            svg("text", { x, y: y + 5, class: "dot-number", "text-anchor": "middle" },
              String(p.number)))));
    },
  };
}

// Markers closer than 2r to an earlier one are set on a ring around their spot (same mean,
// different items), so that every number stays readable; the ring grows with the crowd.
function dodge(marks, r) {
  const out = [];
  const spots = new Map();
  for (const mark of marks) {
    const spot = [...spots.keys()].find((s) => Math.hypot(s.x - mark.x, s.y - mark.y) < 2 * r);
    if (!spot) {
      spots.set(mark, 0);
      out.push(mark);
      continue;
    }
    const n = spots.get(spot) + 1;
    spots.set(spot, n);
    const ring = n <= 6 ? 1 : 2;
    const angle = ((n - 1) / (ring === 1 ? 6 : 12)) * 2 * Math.PI - Math.PI / 2;
    out.push({ ...mark, x: spot.x + Math.cos(angle) * 2.1 * r * ring, y: spot.y + Math.sin(angle) * 2.1 * r * ring });
  }
  return out;
}

function text(x, y, content, cls, anchor) {
  return svg("text", { x, y, class: cls, "text-anchor": anchor }, content ?? "");
}

// A word cloud: words = [{word, count, hidden?}], font size by count (between 1 and 3.2 em
// on a square-root scale, so one word said by everyone does not crowd out the rest).
export function cloud() {
  const list = h("ul", { class: "cloud" });
  return {
    el: list,
    update(words) {
      const max = Math.max(1, ...words.map((w) => w.count));
      syncList(list, words, (w) => w.word,
        () => h("li", {}, h("span", { class: "cloud-word" }), h("span", { class: "cloud-count" })),
        (li, w) => {
          li.firstChild.textContent = w.word;
          li.lastChild.textContent = ` ${w.count}`;
          li.style.fontSize = `${(1 + 2.2 * Math.sqrt(w.count / max)).toFixed(2)}em`;
          li.classList.toggle("muted", Boolean(w.hidden));
        });
    },
  };
}
