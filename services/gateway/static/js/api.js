// Calls to the gateway's API, and the one place that turns its error envelopes into sentences people can act on.

const SERVICES = {
  inference: "the image model",
  playlist: "the playlist service",
  feedback: "the rating service",
};

/** An API call that did not succeed: `message` is for people, `error` and `status` for code. */
export class ApiError extends Error {
  constructor(message, { status = 0, error = "NetworkError", action = null } = {}) {
    super(message);
    this.status = status;
    this.error = error;
    this.action = action; // {label, href} the person can follow, e.g. sign in again
  }
}

function whichService(detail) {
  const text = typeof detail === "string" ? detail : (detail && detail.message) || "";
  const name = Object.keys(SERVICES).find((key) => text.startsWith(key));
  return name ? SERVICES[name] : "part of PRESSED / PLAY";
}

function seconds(response) {
  const value = Number(response.headers.get("Retry-After"));
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/** The sentence for an error envelope {error, detail, request_id}; never the raw JSON. */
export function friendlyMessage(status, body, response) {
  const error = (body && body.error) || "";
  const detail = body ? body.detail : null;
  const wait = response ? seconds(response) : null;
  const later = wait ? `in about ${wait} seconds` : "in a moment";
  // The limits are the gateway's settings (a photo, or an album's photos together), so no number is promised here.
  if (status === 413) return "That's too big to send: try a smaller copy of the photo (a screenshot works) or fewer photos.";
  if (status === 415 || error === "InvalidImage" || error === "MissingImage" || error === "UploadInterrupted") {
    return "That file isn't a photo we can read. Try a JPEG, PNG or WebP image.";
  }
  if (error === "UnknownGenre") {
    const unknown = (detail && detail.unknown) || [];
    const names = unknown.map((name) => `"${name}"`).join(", ");
    return `We don't know the genre ${names || "you typed"}. Pick genres from the list instead.`;
  }
  if (status === 401 || error === "SpotifySignInRequired") {
    return "Your Spotify sign-in has run out. Sign in again to use your genres and save playlists.";
  }
  if (status === 403 || error === "SpotifyForbidden") {
    return (
      "Spotify said no: this app is in Spotify's Development Mode, where only the accounts its owner has added " +
      "(up to 5) may use it. Ask the owner to add you, or sign out and use the page without Spotify."
    );
  }
  if (status === 429) return `Too many requests at once. Wait ${later.replace("in ", "")} and try again.`;
  if (status === 404 && error === "PlaylistNotFound") {
    return "That playlist has expired (they last a day). Make a new one from your photo.";
  }
  if (status === 504) return `${capitalise(whichService(detail))} took too long to answer. Try again ${later}.`;
  if (status === 502 || status === 503) {
    const said = typeof detail === "string" ? detail : (detail && detail.message) || "";
    if (error === "NotReady" && /warming up/.test(said)) {
      return `PRESSED / PLAY is still warming up: ${whichService(said.split("waiting for ")[1] || "")} is loading. Try again ${later}.`;
    }
    if (/rate limit/i.test(said) || error === "SpotifyRateLimited") {
      return `Spotify is limiting how often this app may ask. Try again ${later}.`;
    }
    if (error.startsWith("Spotify") || said.includes("Spotify")) {
      return `Spotify isn't answering right now. Try again ${later}.`;
    }
    return `${capitalise(whichService(detail))} is down or still starting. Try again ${later}.`;
  }
  if (status === 422) return "Something in the form isn't right. Check the photo, the genres and the length, and try again.";
  if (status === 400) return "That request didn't work. Reload the page and try again.";
  return "Something went wrong on our side. Try again in a moment.";
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** fetch() that answers with the parsed JSON (or the Response for files), or throws an ApiError. */
export async function api(path, { method = "GET", json, body, raw = false } = {}) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("Can't reach PRESSED / PLAY. Check your connection, or whether the server is running.");
  }
  if (response.ok) {
    if (raw || response.status === 204) return response;
    return response.json();
  }
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    envelope = null;
  }
  const error = (envelope && envelope.error) || `HTTP${response.status}`;
  const action =
    response.status === 401 || error === "SpotifySignInRequired"
      ? { label: "Sign in with Spotify", href: "/v1/auth/login" }
      : null;
  throw new ApiError(friendlyMessage(response.status, envelope, response), { status: response.status, error, action });
}
