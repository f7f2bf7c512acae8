// The playlist: cover art drawn from the photo, a title from its mood, the tracks with why each is there, exports,
// like / dislike, and (signed in) save to Spotify and the embedded player.

import { api } from "./api.js";

const $ = (id) => document.getElementById(id);
const MODES = { match: "matching the photo", boost: "with a boost", calm: "calmed down" };
// The title per mode: the photo's mood words and what the mode did to them, as services/playlist/recommend/explain.py's
// MODE_TITLES (tests/unit/test_gateway_page.py keeps the two in step), so the title and every why agree.
const MODE_TITLES = [
  ["match", "{words}"],
  ["boost", "{words}, brightened up"],
  ["calm", "{words}, calmed down"],
];

/** A title from the mood words and the mode: ("calm and wistful", "boost") -> "Calm and wistful, brightened up". */
export function playlistTitle(words, mode = "match") {
  if (!words) return "Your photo, as music";
  const pattern = (MODE_TITLES.find(([name]) => name === mode) || MODE_TITLES[0])[1];
  const text = pattern.replace("{words}", words);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Cover art: the photo (an <img>, or an album's collage on a canvas) cropped square, a dark band, the title and the
 * brand; a data: URL (allowed by the CSP). */
export function coverArt(image, title) {
  const side = 480;
  const canvas = document.createElement("canvas");
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext("2d");
  const [width, height] = [image.naturalWidth ?? image.width, image.naturalHeight ?? image.height];
  const crop = Math.min(width, height);
  const sx = (width - crop) / 2;
  const sy = (height - crop) / 2;
  context.drawImage(image, sx, sy, crop, crop, 0, 0, side, side);
  const shade = context.createLinearGradient(0, side * 0.55, 0, side);
  shade.addColorStop(0, "rgba(10, 10, 14, 0)");
  shade.addColorStop(1, "rgba(10, 10, 14, 0.85)");
  context.fillStyle = shade;
  context.fillRect(0, side * 0.55, side, side * 0.45);
  context.fillStyle = "#fff8ec";
  context.font = "700 44px system-ui, sans-serif";
  context.fillText(title, 28, side - 64, side - 56);
  context.font = "600 20px system-ui, sans-serif";
  context.fillStyle = "#ffc15e";
  context.fillText("PRESSED / PLAY", 28, side - 30);
  return canvas.toDataURL("image/jpeg", 0.85);
}

/** One track of the list: its number in the whole list, name, artist, why and a link to open it in Spotify. */
export function trackItem(track, index) {
  const item = document.createElement("li");
  item.className = "track";
  const number = document.createElement("span");
  number.className = "track-number";
  number.setAttribute("aria-hidden", "true");
  number.textContent = String(index + 1);
  const text = document.createElement("div");
  text.className = "track-text";
  const name = document.createElement("p");
  name.className = "track-name";
  name.textContent = track.name;
  const artist = document.createElement("p");
  artist.className = "track-artist";
  artist.textContent = track.artist;
  const why = document.createElement("p");
  why.className = "track-why";
  why.textContent = track.why;
  text.append(name, artist, why);
  const link = document.createElement("a");
  link.className = "button small ghost track-open";
  link.href = track.url;
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = "Open in Spotify";
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = `: ${track.name} by ${track.artist} (opens in a new tab)`;
  link.append(hidden);
  item.append(number, text, link);
  return item;
}

/** Fill the playlist card. `photo` is the preview <img> (an album's collage canvas); `words` the mood words;
 * `photos` how many photos it was made from. */
export function showPlaylist(playlist, { photo, words, photos = 1 }) {
  const title = playlistTitle(words, playlist.mode);
  $("playlist-title").textContent = title;
  const genres = playlist.genres.length ? playlist.genres.join(", ") : "any genre";
  const mode = MODES[playlist.mode] || playlist.mode;
  const made = photos > 1 ? `${mode.replace("the photo", "the photos")} · ${photos} photos` : mode;
  $("summary").textContent = `${playlist.tracks.length} tracks · ${genres} · ${made}`;
  $("cover").src = coverArt(photo, title);
  $("cover").alt = `Cover art: your photo with the title "${title}"`;
  $("warnings").replaceChildren(
    ...(playlist.warnings || []).map((text) => {
      const item = document.createElement("li");
      item.textContent = text.charAt(0).toUpperCase() + text.slice(1);
      return item;
    }),
  );
  $("tracks").replaceChildren(...playlist.tracks.map(trackItem));
  for (const fmt of ["m3u8", "csv", "json"]) {
    const link = $(`export-${fmt}`);
    link.href = `/v1/playlists/${playlist.id}/export.${fmt}`;
    link.setAttribute("download", `pressedplay-${playlist.id}.${fmt}`);
  }
  resetRating();
  showSpotify(playlist);
  $("result").hidden = false;
}

function resetRating() {
  for (const button of document.querySelectorAll(".rate-button")) button.setAttribute("aria-pressed", "false");
  $("rate-note").textContent = "";
}

function showSpotify(playlist) {
  const spotify = playlist.spotify;
  $("spotify-actions").hidden = !spotify;
  $("embed").hidden = true;
  $("embed").replaceChildren();
  if (!spotify) return;
  $("spotify-link").href = spotify.url;
  $("spotify-link").dataset.id = spotify.id;
  markSaved(Boolean(spotify.saved));
  $("embed-button").disabled = false;
  $("embed-button").textContent = "Play it here";
}

/** After sign-out: the Spotify-only controls go (the playlist stays, with its exports and rating). */
export function hideSpotify() {
  $("spotify-actions").hidden = true;
  $("embed").hidden = true;
  $("embed").replaceChildren();
}

function markSaved(saved) {
  const button = $("save");
  button.disabled = saved;
  button.textContent = saved ? "Saved to Spotify" : "Save to Spotify";
  $("save-note").textContent = saved
    ? "Saved: it stays on your Spotify account when you make the next one."
    : "Not saved yet: the next playlist you make replaces it on your account.";
}

/** Wire the buttons that act on the current playlist; `current()` answers the playlist shown, `report` shows errors. */
export function wirePlaylistActions({ current, report }) {
  for (const button of document.querySelectorAll(".rate-button")) {
    button.addEventListener("click", async () => {
      const playlist = current();
      if (!playlist) return;
      const rating = Number(button.dataset.rating);
      button.setAttribute("aria-busy", "true");
      try {
        await api(`/v1/playlists/${playlist.id}/feedback`, { method: "POST", json: { rating } });
      } catch (error) {
        report(error);
        return;
      } finally {
        button.removeAttribute("aria-busy");
      }
      for (const other of document.querySelectorAll(".rate-button")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      $("rate-note").textContent =
        rating === 1
          ? "Thanks, you liked it. Noted to help the model learn; you can change your mind."
          : "Thanks, you disliked it. Noted to help the model learn; you can change your mind.";
    });
  }

  $("save").addEventListener("click", async () => {
    const playlist = current();
    if (!playlist) return;
    $("save").disabled = true;
    try {
      await api(`/v1/playlists/${playlist.id}/save`, { method: "POST" });
      markSaved(true);
    } catch (error) {
      $("save").disabled = false;
      report(error);
    }
  });

  // The player loads only when asked: open.spotify.com may be unreachable (offline, blocked), and a frame that
  // fails to load should not greet every visitor with an error.
  $("embed-button").addEventListener("click", () => {
    const id = $("spotify-link").dataset.id;
    if (!id) return;
    const frame = document.createElement("iframe");
    frame.src = `https://open.spotify.com/embed/playlist/${encodeURIComponent(id)}`;
    frame.title = "Spotify player for this playlist";
    frame.loading = "lazy";
    frame.allow = "encrypted-media; clipboard-write";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    const fallback = document.createElement("p");
    fallback.className = "hint";
    fallback.textContent = "If the player stays blank, Spotify can't be reached from here: use \"Open in Spotify\".";
    $("embed").replaceChildren(frame, fallback);
    $("embed").hidden = false;
    $("embed-button").disabled = true;
    $("embed-button").textContent = "Player below";
  });
}
