// What the model saw in the photo: its mood in words, the 8 audio features as a radar chart, the genre look and
// the heat map of what moved its mood over the photo (colours: colours.js). Drawn here (SVG and canvas).

const SVG = "http://www.w3.org/2000/svg";

// Spotify's names -> words a person uses; loudness is in dB (-60..0), the rest in 0..1.
export const FEATURE_LABELS = {
  energy: "Energy",
  danceability: "Danceable",
  valence: "Happy",
  loudness: "Loud",
  speechiness: "Spoken words",
  liveness: "Live feel",
  instrumentalness: "Instrumental",
  acousticness: "Acoustic",
};
const FEATURE_ORDER = Object.keys(FEATURE_LABELS);

const LOOK_LABELS = { Country: "Country", Electronic: "Electronic", HipHop: "Hip-hop", Pop: "Pop", Rock: "Rock" };

// The photo's mood in the words each track's `why` uses ("bright and upbeat like your photo"): bands of the valence
// and energy the model read in the photo, as in services/playlist/recommend/explain.py (tests/unit/test_gateway_page.py keeps
// the two in step), so the page and the tracks describe the photo alike.
const VALENCE_BANDS = [0.35, 0.65];
const ENERGY_BANDS = [0.5, 0.75];
const MOOD_WORDS = [
  ["calm and wistful", "moody", "dark and intense"],
  ["calm and mellow", "easy-going", "driving"],
  ["warm and gentle", "bright and easy", "bright and upbeat"],
];

function band(value, [low, high]) {
  return value < low ? 0 : value > high ? 2 : 1;
}

/** Plain words for the photo's mood, from the valence and energy read in it. */
export function moodWords(features) {
  if (!features) return null;
  return MOOD_WORDS[band(features.valence, VALENCE_BANDS)][band(features.energy, ENERGY_BANDS)];
}

/** A feature on 0..1 for the chart (loudness: -60 dB -> 0, 0 dB -> 1). */
export function unitValue(name, value) {
  const unit = name === "loudness" ? (value + 60) / 60 : value;
  return Math.min(1, Math.max(0, unit));
}

function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** The radar chart of the 8 features as an accessible SVG (role img, a text alternative listing every value). */
export function radarChart(features) {
  const size = 300;
  const centre = size / 2;
  const radius = 88;
  const margin = 72; // room for the side labels ("Instrumental") inside the viewBox at any width
  const angle = (i) => (Math.PI * 2 * i) / FEATURE_ORDER.length - Math.PI / 2;
  const point = (i, r) => [centre + Math.cos(angle(i)) * r, centre + Math.sin(angle(i)) * r];
  const described = FEATURE_ORDER.map((name) => `${FEATURE_LABELS[name]} ${Math.round(unitValue(name, features[name]) * 100)}%`);
  const chart = svg("svg", { viewBox: `${-margin} 0 ${size + 2 * margin} ${size}`, role: "img", class: "radar" });
  const title = svg("title");
  title.textContent = `How the playlist should sound: ${described.join(", ")}.`;
  chart.append(title);
  for (const ring of [0.25, 0.5, 0.75, 1]) {
    const ringPoints = FEATURE_ORDER.map((_, i) => point(i, radius * ring).join(",")).join(" ");
    chart.append(svg("polygon", { points: ringPoints, class: "radar-ring" }));
  }
  FEATURE_ORDER.forEach((name, i) => {
    const [x, y] = point(i, radius);
    chart.append(svg("line", { x1: centre, y1: centre, x2: x, y2: y, class: "radar-axis" }));
    const [lx, ly] = point(i, radius + 15);
    const anchor = Math.abs(lx - centre) < 4 ? "middle" : lx > centre ? "start" : "end";
    const label = svg("text", { x: lx, y: ly, "text-anchor": anchor, "dominant-baseline": "middle", class: "radar-label" });
    label.textContent = FEATURE_LABELS[name];
    chart.append(label);
  });
  const shape = FEATURE_ORDER.map((name, i) => point(i, radius * Math.max(0.03, unitValue(name, features[name]))).join(","));
  chart.append(svg("polygon", { points: shape.join(" "), class: "radar-shape" }));
  FEATURE_ORDER.forEach((name, i) => {
    const [x, y] = point(i, radius * Math.max(0.03, unitValue(name, features[name])));
    chart.append(svg("circle", { cx: x, cy: y, r: 3.5, class: "radar-dot" }));
  });
  return chart;
}

/** Bars of the genre look, most likely first. */
export function genreLookItems(look) {
  return Object.entries(look || {})
    .sort((a, b) => b[1] - a[1])
    .map(([genre, probability]) => {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "bar-name";
      name.textContent = LOOK_LABELS[genre] || genre;
      const track = document.createElement("span");
      track.className = "bar-track";
      const fill = document.createElement("span");
      fill.className = "bar-fill";
      fill.style.width = `${Math.round(probability * 100)}%`; // CSSOM, allowed by the CSP (no style attribute)
      track.append(fill);
      const value = document.createElement("span");
      value.className = "bar-value";
      value.textContent = `${Math.round(probability * 100)}%`;
      item.append(name, track, value);
      return item;
    });
}

// Transparent -> amber -> hot red, so the photo stays visible where nothing moved its mood.
function heatColour(t) {
  const r = 255;
  const g = Math.round(220 - 180 * t);
  const b = Math.round(80 - 60 * t);
  const alpha = Math.min(0.75, Math.pow(t, 1.2) * 0.8);
  return [r, g, b, Math.round(alpha * 255)];
}

/** What the heat map shows, in words: the parts of the photo that moved its mood toward the words it got. */
export function heatCaption(words) {
  return words
    ? `The glow marks the parts of your photo that made it feel ${words}: the model's mood reading adds up from them.`
    : "The glow marks the parts of your photo that moved the model's reading of its mood.";
}

/** Draw the heat map (a grid of non-negative weights, rows top to bottom over the squashed photo: how much each
 * part moved the mood toward its answer) on `canvas`, smoothed to its size; 0 is transparent, the peak hottest. */
export function drawHeatMap(canvas, attention, width, height) {
  const grid = document.createElement("canvas");
  grid.width = attention.width;
  grid.height = attention.height;
  const small = grid.getContext("2d");
  const cells = small.createImageData(attention.width, attention.height);
  const flat = attention.values.flat();
  const high = Math.max(...flat) || 1;
  flat.forEach((value, i) => {
    const [r, g, b, a] = heatColour(Math.max(0, value) / high);
    cells.data.set([r, g, b, a], i * 4);
  });
  small.putImageData(cells, 0, 0);
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, width, height);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = "high";
  context.drawImage(grid, 0, 0, width, height);
}
