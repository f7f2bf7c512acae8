// The photo's dominant colours, each with a name a person uses ("dark teal", "pale pink") rather than a hex code.

// Hue ranges (degrees, start of each range) and their names; red wraps around at 345.
const HUES = [
  [0, "red"],
  [15, "orange"],
  [45, "yellow"],
  [70, "lime green"],
  [90, "green"],
  [150, "teal"],
  [180, "turquoise"],
  [200, "sky blue"],
  [220, "blue"],
  [255, "purple"],
  [290, "magenta"],
  [320, "pink"],
  [345, "red"],
];

function hsl(r, g, b) {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const light = (max + min) / 2;
  const delta = max - min;
  if (delta === 0) return [0, 0, light];
  const sat = delta / (1 - Math.abs(2 * light - 1));
  let hue;
  if (max === rn) hue = ((gn - bn) / delta) % 6;
  else if (max === gn) hue = (bn - rn) / delta + 2;
  else hue = (rn - gn) / delta + 4;
  return [(hue * 60 + 360) % 360, sat, light];
}

function hueName(hue) {
  let name = HUES[0][1];
  for (const [start, label] of HUES) if (hue >= start) name = label;
  return name;
}

/** A colour's everyday name: greys by lightness, browns and beiges for dull warm tones, else shade + hue. */
export function colourName(r, g, b) {
  const [hue, sat, light] = hsl(r, g, b);
  if (light < 0.1) return "black";
  if (light > 0.93) return "white";
  if (sat < 0.12) return light < 0.3 ? "dark grey" : light > 0.7 ? "light grey" : "grey";
  const name = hueName(hue);
  if ((name === "orange" || name === "red" || name === "yellow") && light < 0.45 && sat < 0.75) {
    return light < 0.22 ? "dark brown" : "brown";
  }
  if ((name === "orange" || name === "yellow") && light > 0.7 && sat < 0.6) return "beige";
  if (light < 0.25) return `dark ${name}`;
  if (light > 0.75) return `pale ${name}`;
  if (sat < 0.35) return `greyish ${name}`;
  return name;
}

/** The photo's dominant colours: a coarse colour histogram of a small copy, the most common bins' means, bins of
 * one name merged (two greys are one "grey"), at most k. */
export function dominantColours(image, k = 5) {
  const canvas = document.createElement("canvas");
  const side = 64;
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(image, 0, 0, side, side);
  const { data } = context.getImageData(0, 0, side, side);
  const bins = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const key = ((data[i] >> 5) << 6) | ((data[i + 1] >> 5) << 3) | (data[i + 2] >> 5);
    const bin = bins.get(key) || { n: 0, r: 0, g: 0, b: 0 };
    bin.n += 1;
    bin.r += data[i];
    bin.g += data[i + 1];
    bin.b += data[i + 2];
    bins.set(key, bin);
  }
  const named = new Map();
  for (const bin of [...bins.values()].sort((a, b) => b.n - a.n)) {
    const [r, g, b] = [bin.r, bin.g, bin.b].map((sum) => Math.round(sum / bin.n));
    const name = colourName(r, g, b);
    const seen = named.get(name);
    if (seen) {
      seen.share += bin.n / (side * side); // the first (largest) bin of a name keeps its swatch
    } else if (named.size < k) {
      const hex = [r, g, b].map((value) => value.toString(16).padStart(2, "0")).join("");
      named.set(name, { hex: `#${hex}`, name, share: bin.n / (side * side) });
    }
  }
  return [...named.values()].sort((a, b) => b.share - a.share);
}

/** One list item per colour: a swatch and "dark teal · 32%" (the hex code stays as the swatch's title). */
export function swatchItems(colours) {
  return colours.map(({ hex, name, share }) => {
    const item = document.createElement("li");
    const chip = document.createElement("span");
    chip.className = "swatch";
    chip.style.backgroundColor = hex;
    chip.title = hex;
    const text = document.createElement("span");
    text.className = "swatch-text";
    const percent = Math.round(share * 100);
    text.textContent = `${name} · ${percent >= 1 ? `${percent}%` : "under 1%"}`;
    item.append(chip, text);
    return item;
  });
}
