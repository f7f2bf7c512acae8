// Genres: a searchable picker (type to filter, arrow keys, Enter) over GET /v1/genres, chosen genres as removable
// chips. Signed out, the chips go with the photo; signed in, they are the Spotify profile's genres (PUT
// /v1/me/genres), and "mix it up" draws new ones from the user's listening.

import { api } from "./api.js";
import { addedMessage, chipLabel, placeList, resolveGenre } from "./genre-check.js";

const $ = (id) => document.getElementById(id);
const MAX_SIGNED_OUT = 10; // the gateway takes at most 10 names
const MAX_SIGNED_IN = 5; // a profile keeps at most 5 seed genres
const SOURCES = {
  top_artists: "From the artists you play most on Spotify.",
  top_tracks: "From the tracks you play most on Spotify.",
  default: "A starter mix: Spotify had too little listening to go on.",
};

export class GenrePicker {
  constructor({ report, announce }) {
    this.report = report;
    this.announce = announce;
    this.all = [];
    this.chosen = [];
    this.mapped = new Map(); // name -> the seed genres it maps to (signed out: shown on its chip)
    this.signedIn = false;
    this.active = -1;
    this.input = $("genre-search");
    this.list = $("genre-list");
    this.input.addEventListener("input", () => this.filter());
    this.input.addEventListener("click", () => this.filter());
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    // Closed a moment after focus leaves (a click on an option lands first), unless focus came back meanwhile.
    this.input.addEventListener("blur", () =>
      setTimeout(() => {
        if (document.activeElement !== this.input) this.close();
      }, 150),
    );
    $("shuffle").addEventListener("click", () => this.shuffle());
  }

  async load() {
    try {
      this.all = (await api("/v1/genres")).genres;
    } catch (error) {
      this.report(error);
    }
  }

  /** Signed out: the chosen genres travel with the photo (comma-separated). Signed in: the profile is used. */
  formValue() {
    return this.signedIn ? "" : this.chosen.join(",");
  }

  useProfile(profile) {
    this.signedIn = Boolean(profile);
    this.chosen = profile ? [...profile.genres] : this.chosen;
    $("genre-actions").hidden = !this.signedIn;
    $("genre-title").firstChild.textContent = this.signedIn ? "Your genres " : "Genres ";
    $("genre-title").querySelector(".optional").textContent = this.signedIn
      ? "(from your Spotify; remove, add or mix them up)"
      : "(optional: any genre if none)";
    $("genre-source").textContent = profile ? (profile.edited ? "Your own pick." : SOURCES[profile.source] || "") : "";
    this.render();
  }

  render() {
    const chips = this.chosen.map((genre) => {
      const item = document.createElement("li");
      item.className = "chip";
      const name = document.createElement("span");
      name.textContent = this.signedIn ? genre : chipLabel(genre, this.mapped.get(genre));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", `Remove ${genre}`);
      remove.innerHTML = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8"/></svg>';
      remove.addEventListener("click", () => this.remove(genre));
      item.append(name, remove);
      return item;
    });
    $("chips").replaceChildren(...chips);
    $("chips").hidden = chips.length === 0;
  }

  filter() {
    const query = this.input.value.trim().toLowerCase();
    const matches = this.all
      .filter((genre) => !this.chosen.includes(genre) && (!query || genre.includes(query)))
      .sort((a, b) => Number(!a.startsWith(query)) - Number(!b.startsWith(query)))
      .slice(0, 8);
    const options = matches.map((genre, index) => {
      const option = document.createElement("li");
      option.id = `genre-option-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = genre;
      // mousedown, not click: it comes before the input's blur closes the list
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.add(genre);
      });
      return option;
    });
    if (query && !matches.includes(query) && !this.chosen.includes(query)) {
      const typed = document.createElement("li");
      typed.id = `genre-option-${options.length}`;
      typed.setAttribute("role", "option");
      typed.setAttribute("aria-selected", "false");
      typed.dataset.value = query;
      typed.className = "typed";
      typed.textContent = `Use "${query}" (a Spotify micro-genre, checked when picked)`;
      typed.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.add(query);
      });
      options.push(typed);
    }
    this.list.replaceChildren(...options);
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    const open = options.length > 0 && document.activeElement === this.input;
    this.list.hidden = !open;
    if (open) placeList(this.input, this.list);
    this.input.setAttribute("aria-expanded", String(open));
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  }

  onKey(event) {
    const options = [...this.list.children];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (this.list.hidden) this.filter();
      if (!options.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + options.length) % options.length;
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
      this.input.setAttribute("aria-activedescendant", options[this.active].id);
      options[this.active].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault(); // never submit the form from the search box
      const picked = options[this.active] || (options.length === 1 ? options[0] : null);
      const value = picked ? picked.dataset.value || picked.textContent : this.input.value.trim().toLowerCase();
      if (value) this.add(value);
    } else if (event.key === "Escape") {
      this.close();
    }
  }

  /** Say something beside the picker (and to screen readers): where the eye is while choosing genres. */
  note(text) {
    $("genre-note").textContent = text;
  }

  async add(genre) {
    this.input.value = "";
    this.close();
    if (this.chosen.includes(genre)) return;
    const limit = this.signedIn ? MAX_SIGNED_IN : MAX_SIGNED_OUT;
    let mapped;
    try {
      mapped = await resolveGenre(genre, this.all);
    } catch (error) {
      this.report(error);
      return;
    }
    if (!mapped) {
      this.note(`We don't know "${genre}" as a genre. Pick one from the list, or try another name.`);
      return;
    }
    if (this.signedIn) {
      // The profile keeps seed genres: a name that plays as several may not fit beside the ones there.
      const fresh = mapped.filter((seed) => !this.chosen.includes(seed));
      if (!fresh.length) {
        this.note(`"${genre}" plays as ${mapped.join(", ")}, which you have already.`);
        return;
      }
      if (this.chosen.length + fresh.length > limit) {
        this.note(`"${genre}" plays as ${mapped.join(", ")}: with yours that is more than ${limit}. Remove one first.`);
        return;
      }
      const before = [...this.chosen];
      await this.save([...this.chosen, genre], (profile) => addedMessage(genre, before, profile.genres));
    } else {
      if (this.chosen.length >= limit) {
        this.note(`You can pick up to ${limit} genres. Remove one first.`);
        return;
      }
      this.chosen.push(genre);
      this.mapped.set(genre, mapped);
      this.render();
      this.note(mapped.includes(genre) ? `Added ${genre}.` : `Added ${genre} (played as ${mapped.join(", ")}).`);
    }
  }

  async remove(genre) {
    const rest = this.chosen.filter((name) => name !== genre);
    if (this.signedIn) {
      if (!rest.length) {
        this.note("Keep at least one genre, or mix them up for new ones.");
        return;
      }
      await this.save(rest, () => `Removed ${genre}.`);
    } else {
      this.chosen = rest;
      this.render();
      this.note(`Removed ${genre}.`);
    }
    this.input.focus();
  }

  /** Save the profile's genres; `message(profile)` says what happened, from what the profile now holds. */
  async save(genres, message) {
    try {
      const profile = await api("/v1/me/genres", { method: "PUT", json: { genres } });
      this.useProfile(profile);
      this.note(message(profile));
    } catch (error) {
      this.report(error);
    }
  }

  async shuffle() {
    const button = $("shuffle");
    button.disabled = true;
    try {
      const profile = await api("/v1/me/genres/shuffle", { method: "POST" });
      this.useProfile(profile);
      this.note(`Mixed up: ${profile.genres.join(", ")}.`);
    } catch (error) {
      this.report(error);
    } finally {
      button.disabled = false;
    }
  }
}

/** The header: sign in (when this server has Spotify), or who is signed in and sign out. */
export async function loadAccount(picker, { report, onSignOut = () => {} }) {
  let me;
  try {
    me = await api("/v1/me");
  } catch (error) {
    report(error);
    return;
  }
  const account = $("account");
  account.replaceChildren();
  picker.useProfile(me.signed_in ? me.genres : null);
  if (!me.spotify_configured) return;
  if (!me.signed_in) {
    const link = document.createElement("a");
    link.href = "/v1/auth/login";
    link.className = "button small spotify";
    link.id = "sign-in";
    link.textContent = "Sign in with Spotify";
    const why = document.createElement("span");
    why.className = "hint account-why";
    why.textContent = "for your own genres and playlists on your account";
    account.append(why, link);
    return;
  }
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = `Signed in as ${me.display_name || me.spotify_user_id}`;
  const out = document.createElement("button");
  out.type = "button";
  out.className = "button small ghost";
  out.id = "sign-out";
  out.textContent = "Sign out";
  out.addEventListener("click", async () => {
    try {
      await api("/v1/auth/logout", { method: "POST" });
    } catch (error) {
      report(error);
    }
    picker.chosen = [];
    onSignOut(); // Spotify-only controls go with the sign-in
    await loadAccount(picker, { report, onSignOut });
    $("sign-in")?.focus();
  });
  account.append(who, out);
}
