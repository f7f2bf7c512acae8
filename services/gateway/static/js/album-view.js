// A playlist made from an album of photos: the cover as a collage of the photos, the tracks grouped under the
// photo each was chosen for, and the arc chart of the list's energy and valence with the photos above their parts.
// The rest of the playlist card (title, exports, rating, Spotify) is playlist.js's, as for one photo.

import { photoName } from "./album.js";
import { arcChart, photoParts } from "./arc.js";
import { trackItem } from "./playlist.js";
import { moodWords } from "./reading.js";

const $ = (id) => document.getElementById(id);

/** Where each of `count` photos goes on a square of `side` px, as the gateway's collage.py lays out the Spotify
 * cover: round(sqrt(n)) rows of equal height, fewer (wider) tiles in the first rows, a thin gutter between. */
export function tileBoxes(count, side, gutter = 4) {
  const rows = Math.max(1, Math.round(Math.sqrt(count)));
  const span = (index, parts) => [
    Math.round((index * (side + gutter)) / parts),
    Math.round(((index + 1) * (side + gutter)) / parts) - gutter,
  ];
  const boxes = [];
  for (let row = 0; row < rows; row += 1) {
    const columns = Math.floor(count / rows) + (row >= rows - (count % rows) ? 1 : 0);
    const [top, bottom] = span(row, rows);
    for (let column = 0; column < columns; column += 1) {
      const [left, right] = span(column, columns);
      boxes.push({ left, top, width: right - left, height: bottom - top });
    }
  }
  return boxes;
}

/** The photos' thumbnails (loaded <img> elements, square) as one square canvas collage. */
export function collageCanvas(images, side = 480) {
  const canvas = document.createElement("canvas");
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext("2d");
  context.fillStyle = "#121317";
  context.fillRect(0, 0, side, side);
  tileBoxes(images.length, side).forEach((box, place) => {
    const image = images[place];
    const source = image.naturalWidth;
    // A square thumbnail centre-cropped to the tile's shape.
    const scale = Math.max(box.width, box.height);
    const sw = (source * box.width) / scale;
    const sh = (source * box.height) / scale;
    context.drawImage(image, (source - sw) / 2, (source - sh) / 2, sw, sh, box.left, box.top, box.width, box.height);
  });
  return canvas;
}

/** Loaded <img> elements of the photos' thumbnails, in order (drawing on a canvas needs them decoded). */
async function thumbnailImages(photos) {
  return Promise.all(
    photos.map(async (photo) => {
      const image = new Image();
      image.src = photo.thumb;
      await image.decode();
      return image;
    }),
  );
}

/** Each photo sent (by its index) -> its place in the playlist's order, the number the strip shows it with. */
function places(made) {
  return new Map((made.photos || []).map((entry, place) => [entry.index, place]));
}

function groupHead(photo, place, reading) {
  const head = document.createElement("div");
  head.className = "group-head";
  const image = document.createElement("img");
  image.className = "group-thumb";
  image.alt = "";
  if (photo) image.src = photo.thumb;
  const text = document.createElement("p");
  text.className = "group-title";
  const name = photo ? photoName(photo, place) : `photo ${place + 1}`;
  text.textContent = name.charAt(0).toUpperCase() + name.slice(1);
  const mood = document.createElement("p");
  mood.className = "group-mood";
  mood.textContent = reading ? moodWords(reading.features) : "";
  head.append(image, text, mood);
  return head;
}

/** The tracks grouped under their photo: one item per part of the list, its tracks numbered as in the whole list. */
function groupedTracks(made, sent) {
  const readings = new Map((made.photos || []).map((entry) => [entry.index, entry]));
  const place = places(made);
  return photoParts(made.tracks).map((part) => {
    const item = document.createElement("li");
    item.className = "photo-group";
    item.dataset.photo = String(part.photo);
    const heading = groupHead(sent[part.photo], place.get(part.photo) ?? part.photo, readings.get(part.photo));
    const list = document.createElement("ol");
    list.className = "group-tracks";
    list.start = part.start + 1;
    list.setAttribute("aria-label", `Tracks for ${heading.querySelector(".group-title").textContent}`);
    list.append(...made.tracks.slice(part.start, part.end).map((track, offset) => trackItem(track, part.start + offset)));
    item.append(heading, list);
    return item;
  });
}

/** The photos the playlist read, in its order, as one collage canvas (the page's cover; the album's colours). */
export async function albumCollage(made, sent) {
  const read = (made.photos || []).map((entry) => sent[entry.index]).filter(Boolean);
  return collageCanvas(await thumbnailImages(read));
}

/** After playlist.js filled the card for `made` (the collage as its cover): the grouped tracks and the arc chart.
 * `sent`: the photos as they were sent (the answer's indexes are theirs), `title` the playlist's title. */
export function showAlbumPlaylist(made, { sent, title }) {
  const count = (made.photos || []).length;
  $("cover").alt = `Cover art: a collage of your ${count} photos with the title "${title}"`;
  $("tracks").replaceChildren(...groupedTracks(made, sent));
  $("tracks").classList.add("grouped");
  const readings = new Map((made.photos || []).map((entry) => [entry.index, entry]));
  const place = places(made);
  const label = (index) => {
    const words = readings.has(index) ? moodWords(readings.get(index).features) : null;
    const number = place.get(index) ?? index;
    return `${sent[index] ? photoName(sent[index], number) : `photo ${number + 1}`}${words ? `, ${words}` : ""}`;
  };
  $("arc").replaceChildren(arcChart(made.tracks, { thumb: (index) => sent[index]?.thumb, label }));
  $("arc-figure").hidden = false;
  $("rate-title").textContent = "Does it fit your photos?";
}

/** A one-photo playlist: no arc chart, the tracks as one list. */
export function hideAlbumPlaylist() {
  $("arc-figure").hidden = true;
  $("arc").replaceChildren();
  $("tracks").classList.remove("grouped");
  $("rate-title").textContent = "Does it fit your photo?";
}
