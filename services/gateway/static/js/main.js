// The page: photos (picker, camera, drop or paste) with a preview of one or a strip of several (album.js), the
// controls, one "make my playlist" action with progress, then what the model saw and the playlist (grouped by photo
// with the arc chart for an album: album-view.js). The API's errors arrive here as sentences (api.js).

import { albumCollage, hideAlbumPlaylist, showAlbumPlaylist } from "./album-view.js";
import { api } from "./api.js";
import { dominantColours, swatchItems } from "./colours.js";
import { GenrePicker, loadAccount } from "./genres.js";
import { wirePhotoBox } from "./photo-box.js";
import { hideSpotify, showPlaylist, wirePlaylistActions } from "./playlist.js";
import { drawHeatMap, genreLookItems, heatCaption, moodWords, radarChart } from "./reading.js";
import { showTakes, wireTakes } from "./takes.js";
import { showSpotifyPending, wireSpotifyRetry } from "./spotify_retry.js";
import { untilWarm } from "./warmup.js";

const $ = (id) => document.getElementById(id);
const STAGES = ["Reading your photo…", "Feeling its mood and colours…", "Choosing tracks that sound like it…"];
const [LENGTH_MIN, LENGTH_STEP] = [5, 5]; // as the slider in index.html
const WARMING = "Warming up: the image model is still loading. Your playlist comes as soon as it is ready…";
let album = null; // the photos to upload, in order (photo-box.js)
let sent = []; // the album's photos as the playlist shown was asked for (its photo indexes are theirs)
let playlist = null; // the playlist shown
let warming = false; // the gateway has not said ready yet (warmup.js)

function announce(text) {
  $("status").textContent = text;
}

/** Show an error as a sentence (with a follow-up link when there is one), never as raw JSON. */
function report(error) {
  const box = $("error");
  const text = document.createElement("p");
  text.textContent = error && error.message ? error.message : "Something went wrong. Try again in a moment.";
  box.replaceChildren(text);
  if (error && error.action) {
    const link = document.createElement("a");
    link.href = error.action.href;
    link.className = "button small spotify";
    link.textContent = error.action.label;
    box.append(link);
  }
  box.hidden = false;
  showWhereTheEyeIs(box);
}

/** Bring an error into view (it is announced by its role="alert"). */
function showWhereTheEyeIs(element) {
  const motion = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  element.scrollIntoView({ block: "center", behavior: motion });
}

function clearError() {
  $("error").hidden = true;
  $("error").replaceChildren();
  $("photo-error").hidden = true;
  $("photo-error").textContent = "";
}

function busy(on) {
  $("make-button").disabled = on;
  $("make-button").setAttribute("aria-busy", String(on));
  $("progress").hidden = !on;
  $("make").classList.toggle("working", on);
}

/** An album's own sentences for what the API refuses of the photos together; any other error as api.js says it. */
function albumError(error, count) {
  if (count < 2) return error;
  if (error.status === 413) {
    return { message: `Those ${count} photos are too much to send at once. Leave some out, or choose smaller copies.` };
  }
  if (error.error === "NoReadablePhoto") {
    return { message: "None of those photos could be read. Try JPEG, PNG or WebP images." };
  }
  if (error.error === "TooManyPhotos") return { message: "That is more photos than one playlist takes. Leave some out." };
  return error;
}

async function makePlaylist(picker) {
  clearError();
  await album.settled(); // a photo chosen a moment ago may still be being checked: it belongs to this playlist
  if (!album.size) {
    report({ message: "Pick a photo first: choose one, drop it on the box, or paste it." });
    $("pick-label").focus();
    return;
  }
  const form = $("make");
  const body = new FormData();
  const asked = [...album.photos];
  for (const photo of asked) body.append("image", photo.file, photo.file.name || "pasted-photo.png");
  if (asked.length > 1 && $("order-taken").checked) body.append("order", "taken");
  const genres = picker.formValue();
  if (genres) body.append("genres", genres);
  body.append("n", form.n.value);
  body.append("mode", form.mode.value);
  busy(true);
  let stage = 0;
  announce(warming ? WARMING : asked.length > 1 ? `Reading your ${asked.length} photos…` : STAGES[0]);
  const timer = setInterval(() => {
    if (warming) return; // the gateway holds the upload until the model is ready: say so, not a made-up stage
    stage = Math.min(stage + 1, STAGES.length - 1);
    announce(STAGES[stage]);
  }, 1400);
  try {
    playlist = await api("/v1/playlists", { method: "POST", body });
  } catch (error) {
    announce("");
    report(albumError(error, asked.length));
    return;
  } finally {
    clearInterval(timer);
    busy(false);
  }
  sent = asked;
  if (asked.length > 1) album.readAnswer(playlist, asked);
  await render(playlist);
  announce(`Your playlist is ready: ${playlist.tracks.length} tracks.`);
  $("reading-title").focus();
}

/** A playlist of several photos, answered as one (its photos and each track's photo): shown grouped by photo. */
function isAlbum(made) {
  return sent.length > 1 && Array.isArray(made.photos) && made.tracks.every((track) => Number.isInteger(track.photo));
}

async function render(made) {
  const several = isAlbum(made);
  const words = moodWords(made.features);
  $("mood-label").textContent = several ? "Together, the photos feel" : "The photo feels";
  $("radar-caption").textContent = `How the playlist should sound, read from ${several ? "the photos (their mean)" : "the photo"} (0 = none, outer ring = most).`;
  $("mood-words").textContent = words || "hard to read";
  $("mood-numbers").textContent = made.mood
    ? `Pleasantness ${made.mood.valence.toFixed(1)} and excitement ${made.mood.arousal.toFixed(1)}, on a 1 to 9 scale.`
    : "This model does not read mood.";
  $("radar").replaceChildren(radarChart(made.features));
  $("genre-look").replaceChildren(...genreLookItems(made.genre_look));
  const preview = $("preview");
  $("colours").replaceChildren(...swatchItems(dominantColours(several ? await albumCollage(made, sent) : preview)));
  const heat = $("heat");
  const toggle = $("toggle-heat");
  $("heat-words").textContent = words || "this way";
  $("heat-caption").textContent = heatCaption(words);
  $("heat-section").hidden = several || !made.attention; // the heat map is drawn over the one photo shown large
  if (made.attention && !several) {
    drawHeatMap(heat, made.attention, preview.naturalWidth, preview.naturalHeight);
    heat.hidden = false;
    toggle.setAttribute("aria-pressed", "true");
    toggle.textContent = "Hide the heat map";
  } else {
    heat.hidden = true;
  }
  $("reading").hidden = false;
  $("empty").hidden = true;
  await showTake(made);
}

/** Show a playlist of the photos already read (a new one, or another take of them). */
async function showTake(made) {
  playlist = made;
  const several = isAlbum(made);
  const cover = several ? await albumCollage(made, sent) : $("preview");
  showPlaylist(made, { photo: cover, words: moodWords(made.features), photos: several ? made.photos.length : 1 });
  if (several) showAlbumPlaylist(made, { sent, title: $("playlist-title").textContent });
  else hideAlbumPlaylist();
  showTakes(made);
  showSpotifyPending(made);
}

function sayLength() {
  const length = $("length");
  $("length-out").textContent = `${length.value} tracks`;
  length.setAttribute("aria-valuetext", `${length.value} tracks`);
}

/** An album gets at least one track per photo: the length's lowest step moves up to the number of photos. */
function fitLength(count) {
  const length = $("length");
  const least = Math.max(LENGTH_MIN, Math.ceil(count / LENGTH_STEP) * LENGTH_STEP);
  length.min = String(least);
  if (Number(length.value) < least) length.value = String(least);
  sayLength();
}

function wireControls(picker) {
  const length = $("length");
  length.addEventListener("input", sayLength);
  sayLength();
  $("make").addEventListener("submit", (event) => {
    event.preventDefault();
    makePlaylist(picker);
  });
  $("toggle-heat").addEventListener("click", () => {
    const heat = $("heat");
    heat.hidden = !heat.hidden;
    $("toggle-heat").setAttribute("aria-pressed", String(!heat.hidden));
    $("toggle-heat").textContent = heat.hidden ? "Show the heat map" : "Hide the heat map";
  });
  $("reading-title").tabIndex = -1;
}

/** Say "warming up" until the gateway is ready; the account (which asks the playlist service) loads after. */
async function warmUp() {
  await untilWarm((waiting) => {
    warming = waiting;
    $("warmup").hidden = !waiting;
    document.body.dataset.warming = String(waiting);
    if (!waiting) announce("Ready: the image model has loaded.");
  });
}

async function start() {
  const picker = new GenrePicker({ report, announce });
  album = wirePhotoBox({ announce, clearError, reveal: showWhereTheEyeIs, onCount: fitLength });
  wireControls(picker);
  wirePlaylistActions({ current: () => playlist, report });
  wireTakes({ current: () => playlist, show: showTake, report, announce });
  wireSpotifyRetry({ current: () => playlist, show: showTake, report, clear: clearError, announce });
  await Promise.all([picker.load(), warmUp()]);
  await loadAccount(picker, { report, onSignOut: hideSpotify });
  document.body.dataset.ready = "true"; // tests wait for this
}

start();
