// The photo box: photos chosen (several at once), taken with a phone's camera, dropped or pasted join the album
// (album.js), checked first (photo-check.js). One photo shows large, as the page always showed it (the heat map is
// drawn over it); several show as the strip, each with a button that leaves it out.

import { Album, photoName, renderStrip } from "./album.js";

const $ = (id) => document.getElementById(id);
let album = null;
let previewUrl = null;
let previewId = null; // which of the album's photos the large preview shows
let say = () => {}; // main.js's announce, clearError and showWhereTheEyeIs
let clear = () => {};
let showWhereTheEyeIs = () => {};
let changed = () => {}; // main.js's: the album now holds this many photos

/** Chosen files that cannot be sent: the sentences beside the photo box; the photos chosen before stay. */
function refusePhotos(problems, before) {
  const box = $("photo-error");
  const kept = before === 1 ? " Your previous photo is still here." : before > 1 ? " Your other photos are still here." : "";
  box.textContent = `${problems.join(" ")}${kept}`;
  box.hidden = false;
  say("");
  showWhereTheEyeIs(box);
}

/** Add photos (chosen, taken, dropped or pasted) to the album, refusing those that cannot be sent. */
async function usePhotos(files) {
  if (!files.length) return;
  clear();
  const before = album.size;
  const problems = await album.add(files);
  $("photo").value = ""; // choosing the same file again (fixed, or after removing it) fires a change
  $("camera").value = "";
  if (problems.length) refusePhotos(problems, before);
  if (album.size === before) return;
  const names = files.length === 1 && files[0].name ? `: ${files[0].name}` : "";
  say(
    album.size === 1
      ? `Photo ready${names}. Now make your playlist.`
      : `${album.size} photos ready. Now make your playlist: it moves from one to the next.`,
  );
}

/** The album changed: one photo large as ever, several as the strip; a playlist shown belongs to other photos. */
function showPhotos() {
  changed(album.size);
  const single = album.size === 1 ? album.photos[0] : null;
  if (single && single.id !== previewId) showPreview(single);
  $("stage").hidden = !single;
  $("strip").hidden = album.size < 2;
  $("album-order").hidden = album.size < 2;
  if (album.size > 1) renderStrip($("strip"), album, removePhoto);
  else $("strip").replaceChildren();
  $("drop").classList.toggle("has-photo", album.size > 0);
  $("pick-label").textContent = album.size ? "Add photos" : "Choose photos";
  if (!album.photos.some((photo) => photo.reading || photo.unread)) {
    // What the model saw and the playlist belong to the photos they were made from: a change starts over.
    $("reading").hidden = true;
    $("result").hidden = true;
    $("empty").hidden = false;
  }
}

function showPreview(photo) {
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(photo.file);
  const preview = $("preview");
  preview.alt = `Your photo${photo.file.name ? `, ${photo.file.name}` : ""}`;
  preview.src = previewUrl;
  previewId = photo.id;
  $("heat").hidden = true;
}

function removePhoto(photo, place) {
  album.remove(photo.id);
  say(`Removed ${photoName(photo, place)}. ${album.size ? `${album.size} left.` : "No photos left."}`);
  // Keyboard users stay in the strip: on the remove button that took this one's place, else the chooser.
  const next = $("strip").querySelectorAll(".strip-remove")[Math.min(place, album.size - 1)];
  (album.size > 1 && next ? next : $("photo")).focus();
}

/** Wire the photo box: the chooser, the camera, drop and paste add photos; answers the Album they fill. */
export function wirePhotoBox({ announce, clearError, reveal, onCount }) {
  say = announce;
  clear = clearError;
  showWhereTheEyeIs = reveal;
  changed = onCount;
  album = new Album({ onChange: showPhotos });
  for (const input of ["photo", "camera"]) {
    $(input).addEventListener("change", (event) => usePhotos([...event.target.files]));
  }
  $("stage-remove").addEventListener("click", () => removePhoto(album.photos[0], 0));
  // Space opens a file input's chooser; Enter should too, as on the buttons around it.
  for (const input of ["photo", "camera"]) {
    $(input).addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        event.target.click();
      }
    });
  }
  const drop = $("drop");
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (event) => {
      event.preventDefault();
      drop.classList.add("dragging");
    });
  }
  for (const name of ["dragleave", "drop"]) {
    drop.addEventListener(name, () => drop.classList.remove("dragging"));
  }
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    usePhotos([...(event.dataTransfer?.files || [])]);
  });
  // Anywhere on the page: a dropped file outside the box should not navigate away from it.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
  document.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.items || [])].filter((entry) => entry.kind === "file");
    const pasted = files.map((item) => item.getAsFile()).filter(Boolean);
    if (pasted.length) {
      event.preventDefault();
      usePhotos(pasted);
    }
  });
  return album;
}
