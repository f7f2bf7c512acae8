// The album's arc: the playlist's energy and valence from its first track to its last, as a small SVG chart, with
// each photo's thumbnail above the part of the list chosen for it. Drawn here without a chart library; the words
// and the legend are HTML around it, so they stay readable at a phone's width.

import { FEATURE_LABELS } from "./reading.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const THUMBS = 64; // the band of thumbnails above the plot
const PLOT_TOP = THUMBS + 10;
const PLOT_BOTTOM = 236;
const PAD_X = 8;
const LINES = [
  ["energy", "arc-energy"],
  ["valence", "arc-valence"],
];

function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Runs of consecutive tracks chosen for one photo, in the list's order: [{photo, start, end}] (end exclusive). */
export function photoParts(tracks) {
  const parts = [];
  tracks.forEach((track, place) => {
    const last = parts[parts.length - 1];
    if (last && last.photo === track.photo) last.end = place + 1;
    else parts.push({ photo: track.photo, start: place, end: place + 1 });
  });
  return parts;
}

function percent(value) {
  return `${Math.round(Math.min(1, Math.max(0, value)) * 100)}%`;
}

/** What the chart shows, in words, for the chart's text alternative. */
function described(tracks, parts, label) {
  const first = tracks[0].features;
  const last = tracks[tracks.length - 1].features;
  const ends = LINES.map(([name]) => `${FEATURE_LABELS[name].toLowerCase()} ${percent(first[name])} to ${percent(last[name])}`);
  const each = parts.map((part) => `${label(part.photo)}: tracks ${part.start + 1} to ${part.end}`);
  return `How the playlist moves from its first track to its last: ${ends.join(", ")}. ${each.join("; ")}.`;
}

/** The chart: `tracks` with their features and `photo`; `thumb(index)` the photo's thumbnail URL, `label(index)`
 * how it is named ("photo 2, beach.jpg, bright and easy"). */
export function arcChart(tracks, { thumb, label }) {
  const parts = photoParts(tracks);
  const step = (WIDTH - 2 * PAD_X) / tracks.length;
  const x = (place) => PAD_X + (place + 0.5) * step;
  const y = (value) => PLOT_BOTTOM - Math.min(1, Math.max(0, value)) * (PLOT_BOTTOM - PLOT_TOP);
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${PLOT_BOTTOM + 4}`, role: "img", class: "arc" });
  const title = svg("title");
  title.textContent = described(tracks, parts, label);
  chart.append(title);
  parts.forEach((part, order) => {
    const left = PAD_X + part.start * step;
    const width = (part.end - part.start) * step;
    const group = svg("g", { class: "arc-part", "data-photo": part.photo });
    group.append(svg("rect", { x: left, y: PLOT_TOP, width, height: PLOT_BOTTOM - PLOT_TOP, class: order % 2 ? "arc-band alt" : "arc-band" }));
    const side = Math.max(8, Math.min(THUMBS - 8, width - 4));
    const url = thumb(part.photo);
    if (url) {
      const picture = svg("image", { href: url, x: left + (width - side) / 2, y: THUMBS - side, width: side, height: side });
      picture.setAttribute("preserveAspectRatio", "xMidYMid slice");
      group.append(picture);
    }
    chart.append(group);
  });
  for (const [name, className] of LINES) {
    const points = tracks.map((track, place) => `${x(place).toFixed(1)},${y(track.features[name]).toFixed(1)}`);
    chart.append(svg("polyline", { points: points.join(" "), class: `arc-line ${className}` }));
    tracks.forEach((track, place) => {
      chart.append(svg("circle", { cx: x(place), cy: y(track.features[name]), r: 3, class: `arc-dot ${className}` }));
    });
  }
  return chart;
}
