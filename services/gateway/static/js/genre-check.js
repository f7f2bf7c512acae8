// What a genre name becomes before it is used: a seed genre is itself; any other name (a Spotify micro-genre
// typed by hand) is asked of the gateway (GET /v1/genres/resolve), so a name the API would refuse is refused at
// once, beside the picker, and a name that maps elsewhere says so on its chip ("bedroom pop → indie").

import { api } from "./api.js";

/** The seed genres `name` maps to ([name] for a seed genre), or null when the API does not know it. */
export async function resolveGenre(name, seeds) {
  if (seeds.includes(name)) return [name];
  try {
    return (await api(`/v1/genres/resolve?name=${encodeURIComponent(name)}`)).genres;
  } catch (error) {
    if (error.error === "UnknownGenre" || error.status === 422) return null;
    throw error;
  }
}

/** A chip's text: the name, and what it maps to when that is something else. */
export function chipLabel(name, mapped) {
  if (!mapped || !mapped.length || (mapped.length === 1 && mapped[0] === name)) return name;
  return `${name} → ${mapped.join(", ")}`;
}

/** What a signed-in add did to the profile, said truthfully: "Added house." or "Added bedroom pop as indie." */
export function addedMessage(name, before, after) {
  const added = after.filter((genre) => !before.includes(genre));
  if (added.includes(name) && added.length === 1) return `Added ${name}.`;
  if (added.length) return `Added ${name} as ${added.join(", ")}.`;
  return `${name} maps to genres you already have (${after.join(", ")}).`;
}

/** Keep an open list on screen: below the box when there is room, else above it, never taller than the room. */
export function placeList(input, list) {
  const box = input.getBoundingClientRect();
  const viewport = window.visualViewport ? window.visualViewport.height : window.innerHeight;
  const below = viewport - box.bottom - 12;
  const above = box.top - 12;
  const up = below < 180 && above > below;
  list.classList.toggle("above", up);
  list.style.maxHeight = `${Math.max(96, Math.min(256, up ? above : below))}px`;
}
