// "Not saved to Spotify": when Spotify failed while the playlist was made (rate limited, down, too slow), the person
// still has the playlist; this part says so beside it and offers to save it again (POST /v1/playlists/{id}/spotify).

import { api } from "./api.js";

const $ = (id) => document.getElementById(id);

/** Show or hide the "not saved" part for this playlist (spotify_pending: made signed in, not on Spotify yet). */
export function showSpotifyPending(playlist) {
  const pending = Boolean(playlist.spotify_pending);
  $("spotify-pending").hidden = !pending;
  if (!pending) return;
  const warning = (playlist.warnings || []).find((text) => text.startsWith("Not saved to Spotify"));
  $("spotify-pending-note").textContent = warning || "Not saved to Spotify: Spotify did not answer.";
  $("save-again").disabled = false;
}

/** Wire "Save to Spotify again"; `show(playlist)` shows the answer, `report` / `clear` show and clear an error. */
export function wireSpotifyRetry({ current, show, report, clear, announce }) {
  const button = $("save-again");
  button.addEventListener("click", async () => {
    const playlist = current();
    if (!playlist) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const saved = await api(`/v1/playlists/${encodeURIComponent(playlist.id)}/spotify`, { method: "POST" });
      clear();
      show(saved);
      announce("Saved to Spotify: the playlist is on your account now.");
    } catch (error) {
      button.disabled = false; // still not saved: the person can try again later
      report(error);
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
}
