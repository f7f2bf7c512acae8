// Another take: the same photo and settings, other tracks. Each take is a playlist of its own; every take lists the
// ids of all takes of its photo, so the person can step back and forth between them.

import { api } from "./api.js";

const $ = (id) => document.getElementById(id);

/** Show where this playlist sits among its photo's takes: "Take 2 of 3", and which steps are possible. */
export function showTakes(playlist) {
  const takes = playlist.takes && playlist.takes.length ? playlist.takes : [playlist.id];
  const place = takes.indexOf(playlist.id);
  $("take-place").textContent = takes.length > 1 ? `Take ${place + 1} of ${takes.length}` : "";
  $("take-back").hidden = place <= 0;
  $("take-forward").hidden = place < 0 || place >= takes.length - 1;
  $("takes").hidden = false;
}

/** Wire the take buttons; `current()` is the playlist shown, `show(playlist)` shows another, `report` shows errors. */
export function wireTakes({ current, show, report, announce }) {
  const step = async (offset) => {
    const playlist = current();
    if (!playlist || !playlist.takes) return;
    const target = playlist.takes[playlist.takes.indexOf(playlist.id) + offset];
    if (!target) return;
    try {
      show(await api(`/v1/playlists/${encodeURIComponent(target)}`));
    } catch (error) {
      report(error);
    }
  };
  $("take-back").addEventListener("click", () => step(-1));
  $("take-forward").addEventListener("click", () => step(1));
  $("another-take").addEventListener("click", async () => {
    const playlist = current();
    if (!playlist) return;
    const button = $("another-take");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const take = await api(`/v1/playlists/${encodeURIComponent(playlist.id)}/takes`, { method: "POST" });
      show(take);
      announce(`Another take is ready: ${take.tracks.length} other tracks for the same photo.`);
    } catch (error) {
      report(error);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
}
