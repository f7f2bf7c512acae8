// The page: a photo (picker, drop or paste) with a preview, the controls, one "make my playlist" action with
// progress, then what the model saw and the playlist. The API's errors arrive here as sentences (api.js).

import { api } from "./api.js";
import { dominantColours, swatchItems } from "./colours.js";
import { GenrePicker, loadAccount } from "./genres.js";
import { photoProblem } from "./photo-check.js";
import { hideSpotify, showPlaylist, wirePlaylistActions } from "./playlist.js";
import { drawHeatMap, genreLookItems, heatCaption, moodWords, radarChart } from "./reading.js";
import { showTakes, wireTakes } from "./takes.js";
import { showSpotifyPending, wireSpotifyRetry } from "./spotify_retry.js";
import { untilWarm } from "./warmup.js";

const $ = (id) => document.getElementById(id);
const STAGES = ["Reading your photo…", "Feeling its mood and colours…", "Choosing tracks that sound like it…"];
const WARMING = "Warming up: the image model is still loading. Your playlist comes as soon as it is ready…";
let photo = null; // the File or Blob to upload
let playlist = null; // the playlist shown
let previewUrl = null;
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

/** A chosen file that cannot be sent: the sentence beside the photo box; the photo chosen before (if any) stays. */
function refusePhoto(problem) {
  const box = $("photo-error");
  box.textContent = photo ? `${problem} Your previous photo is still here.` : problem;
  box.hidden = false;
  $("photo").value = ""; // choosing the same file again (fixed) fires a change
  announce("");
  showWhereTheEyeIs(box);
}

async function usePhoto(file) {
  if (!file) return;
  clearError();
  const problem = await photoProblem(file);
  if (problem) {
    refusePhoto(problem);
    return;
  }
  photo = file;
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(file);
  const preview = $("preview");
  preview.alt = `Your photo${file.name ? `, ${file.name}` : ""}`;
  preview.src = previewUrl;
  $("stage").hidden = false;
  $("heat").hidden = true;
  // What the model saw and the playlist belong to the previous photo: a new photo starts over.
  $("reading").hidden = true;
  $("result").hidden = true;
  $("empty").hidden = false;
  $("drop").classList.add("has-photo");
  $("pick-label").textContent = "Choose another photo";
  announce(`Photo ready${file.name ? `: ${file.name}` : ""}. Now make your playlist.`);
}

function wireUpload() {
  $("photo").addEventListener("change", (event) => usePhoto(event.target.files[0]));
  // Space opens a file input's chooser; Enter should too, as on the buttons around it.
  $("photo").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      event.target.click();
    }
  });
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
    const file = [...(event.dataTransfer?.files || [])][0];
    if (file) usePhoto(file);
  });
  // Anywhere on the page: a dropped file outside the box should not navigate away from it.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
  document.addEventListener("paste", (event) => {
    const item = [...(event.clipboardData?.items || [])].find((entry) => entry.kind === "file");
    if (!item) return;
    const file = item.getAsFile();
    if (file) {
      event.preventDefault();
      usePhoto(file);
    }
  });
}

function busy(on) {
  $("make-button").disabled = on;
  $("make-button").setAttribute("aria-busy", String(on));
  $("progress").hidden = !on;
  $("make").classList.toggle("working", on);
}

async function makePlaylist(picker) {
  clearError();
  if (!photo) {
    report({ message: "Pick a photo first: choose one, drop it on the box, or paste it." });
    $("pick-label").focus();
    return;
  }
  const form = $("make");
  const body = new FormData();
  body.append("image", photo, photo.name || "pasted-photo.png");
  const genres = picker.formValue();
  if (genres) body.append("genres", genres);
  body.append("n", form.n.value);
  body.append("mode", form.mode.value);
  busy(true);
  let stage = 0;
  announce(warming ? WARMING : STAGES[0]);
  const timer = setInterval(() => {
    if (warming) return; // the gateway holds the upload until the model is ready: say so, not a made-up stage
    stage = Math.min(stage + 1, STAGES.length - 1);
    announce(STAGES[stage]);
  }, 1400);
  try {
    playlist = await api("/v1/playlists", { method: "POST", body });
  } catch (error) {
    announce("");
    report(error);
    return;
  } finally {
    clearInterval(timer);
    busy(false);
  }
  render(playlist);
  announce(`Your playlist is ready: ${playlist.tracks.length} tracks.`);
  $("reading-title").focus();
}

function render(made) {
  const words = moodWords(made.features);
  $("mood-words").textContent = words || "hard to read";
  $("mood-numbers").textContent = made.mood
    ? `Pleasantness ${made.mood.valence.toFixed(1)} and excitement ${made.mood.arousal.toFixed(1)}, on a 1 to 9 scale.`
    : "This model does not read mood.";
  $("radar").replaceChildren(radarChart(made.features));
  $("genre-look").replaceChildren(...genreLookItems(made.genre_look));
  const preview = $("preview");
  $("colours").replaceChildren(...swatchItems(dominantColours(preview)));
  const heat = $("heat");
  const toggle = $("toggle-heat");
  $("heat-words").textContent = words || "this way";
  $("heat-caption").textContent = heatCaption(words);
  $("heat-section").hidden = !made.attention;
  if (made.attention) {
    drawHeatMap(heat, made.attention, preview.naturalWidth, preview.naturalHeight);
    heat.hidden = false;
    toggle.setAttribute("aria-pressed", "true");
    toggle.textContent = "Hide the heat map";
  } else {
    heat.hidden = true;
  }
  $("reading").hidden = false;
  $("empty").hidden = true;
  showTake(made);
}

/** Show a playlist of the photo already read (a new one, or another take of it). */
function showTake(made) {
  playlist = made;
  showPlaylist(made, { photo: $("preview"), words: moodWords(made.features) });
  showTakes(made);
  showSpotifyPending(made);
}

function wireControls(picker) {
  const length = $("length");
  const sayLength = () => {
    $("length-out").textContent = `${length.value} tracks`;
    length.setAttribute("aria-valuetext", `${length.value} tracks`);
  };
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
  wireUpload();
  wireControls(picker);
  wirePlaylistActions({ current: () => playlist, report });
  wireTakes({ current: () => playlist, show: showTake, report, announce });
  wireSpotifyRetry({ current: () => playlist, show: showTake, report, clear: clearError, announce });
  await Promise.all([picker.load(), warmUp()]);
  await loadAccount(picker, { report, onSignOut: hideSpotify });
  document.body.dataset.ready = "true"; // tests wait for this
}

start();
