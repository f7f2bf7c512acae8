// The photos chosen for one playlist: one photo (shown large, as the page always did) or an album of up to 30,
// shown as a strip of thumbnails in the order they are sent, each with a button that leaves it out and, once the
// playlist answers, the mood words the model read in it (reading.js's words, the ones each track's why uses).

import { MAX_ALBUM_BYTES, photoProblem } from "./photo-check.js";
import { moodWords } from "./reading.js";

// The most photos one playlist takes (the gateway refuses more with a 422 TooManyPhotos).
export const MAX_PHOTOS = 30;
// Thumbnails are 64 px in the strip, up to 96 in the cover and the chart: 160 px stays sharp on a 2x screen.
const THUMB_SIDE = 160;
let nextId = 1;

/** A square, upright, centre-cropped copy of the photo as an object URL. 30 phone photos kept as decoded full-size
 * images would hold over a gigabyte; these hold a few hundred kilobytes. */
async function thumbnail(file) {
  const bitmap = await createImageBitmap(file);
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = document.createElement("canvas");
  canvas.width = THUMB_SIDE;
  canvas.height = THUMB_SIDE;
  const sx = (bitmap.width - side) / 2;
  const sy = (bitmap.height - side) / 2;
  canvas.getContext("2d").drawImage(bitmap, sx, sy, side, side, 0, 0, THUMB_SIDE, THUMB_SIDE);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  return URL.createObjectURL(blob);
}

/** How a photo is named to a person: "photo 3, beach.jpg" (pasted photos have no file name). */
export function photoName(photo, place) {
  return `photo ${place + 1}${photo.file.name ? `, ${photo.file.name}` : ""}`;
}

/** The chosen photos, in the order they are sent; `onChange()` after each change. */
export class Album {
  constructor({ onChange }) {
    this.photos = []; // {id, file, thumb, reading: the answer's entry for it or null, unread: the answer left it out}
    this.onChange = onChange;
    this.adding = Promise.resolve(); // files chosen one after another are checked and added in turn
  }

  get size() {
    return this.photos.length;
  }

  /** Check the files and add the good ones in order, after any files still being added; answers the sentences for
   * those refused. */
  add(files) {
    const run = this.adding.then(() => this.addNow(files));
    this.adding = run.catch(() => {});
    return run;
  }

  /** Resolves once every photo chosen so far is checked and in the album (or refused). */
  settled() {
    return this.adding;
  }

  async addNow(files) {
    const refused = [];
    let added = 0;
    for (const [place, file] of files.entries()) {
      if (this.photos.length >= MAX_PHOTOS) {
        const left = files.length - place;
        refused.push(`One playlist takes up to ${MAX_PHOTOS} photos: ${left === 1 ? "one was" : `${left} were`} left out.`);
        break;
      }
      const problem = (await photoProblem(file)) || this.tooMuchWith(file);
      if (problem) {
        refused.push(problem);
        continue;
      }
      this.photos.push({ id: nextId++, file, thumb: await thumbnail(file), reading: null, unread: false });
      added += 1;
    }
    if (added) this.forgetAnswer();
    return refused;
  }

  /** The sentence when this file would take the album over what one request may carry, else null. */
  tooMuchWith(file) {
    const total = this.photos.reduce((sum, photo) => sum + photo.file.size, file.size);
    if (total <= MAX_ALBUM_BYTES) return null;
    const name = file.name ? `"${file.name}"` : "That photo";
    return `${name} would take your photos over 40 MB together, the most one playlist takes. Leave some out, or choose smaller copies.`;
  }

  remove(id) {
    const photo = this.photos.find((entry) => entry.id === id);
    if (!photo) return;
    URL.revokeObjectURL(photo.thumb);
    this.photos = this.photos.filter((entry) => entry !== photo);
    this.forgetAnswer();
  }

  /** What a playlist said of each photo sent (`sent`: the photos as they were sent): its reading, or that it could
   * not be read. Photos taken in another order (order=taken) move to the order the playlist follows. */
  readAnswer(made, sent) {
    const readings = made.photos || [];
    for (const photo of sent) {
      photo.reading = null;
      photo.unread = true;
    }
    for (const entry of readings) {
      const photo = sent[entry.index];
      if (!photo) continue;
      photo.reading = entry;
      photo.unread = false;
    }
    const order = readings.map((entry) => sent[entry.index]).filter(Boolean);
    const rest = this.photos.filter((photo) => !order.includes(photo));
    this.photos = [...order.filter((photo) => this.photos.includes(photo)), ...rest];
    this.onChange();
  }

  /** Readings belong to the photos as they were sent: any change to the album forgets them. */
  forgetAnswer() {
    for (const photo of this.photos) {
      photo.reading = null;
      photo.unread = false;
    }
    this.onChange();
  }
}

function stripItem(photo, place, onRemove) {
  const item = document.createElement("li");
  item.className = "strip-item";
  item.dataset.id = String(photo.id);
  const image = document.createElement("img");
  image.className = "strip-thumb";
  image.src = photo.thumb;
  image.alt = photoName(photo, place).replace(/^p/, "P");
  const number = document.createElement("span");
  number.className = "strip-number";
  number.setAttribute("aria-hidden", "true");
  number.textContent = String(place + 1);
  const mood = document.createElement("span");
  mood.className = photo.unread ? "strip-mood unread" : "strip-mood";
  const words = photo.reading ? moodWords(photo.reading.features) : null;
  mood.textContent = photo.unread ? "couldn't read it" : words || "";
  mood.hidden = !photo.unread && !words;
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "strip-remove";
  remove.setAttribute("aria-label", `Remove ${photoName(photo, place)}`);
  remove.innerHTML = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8"/></svg>';
  remove.addEventListener("click", () => onRemove(photo, place));
  item.append(image, number, mood, remove);
  return item;
}

/** Fill the strip (an <ol>) with the album's photos; `onRemove(photo, place)` when one's remove button is pressed. */
export function renderStrip(list, album, onRemove) {
  list.replaceChildren(...album.photos.map((photo, place) => stripItem(photo, place, onRemove)));
}
