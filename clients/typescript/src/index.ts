// The gateway's client for TypeScript front ends: openapi-fetch over the types openapi-typescript generates from
// api/openapi.json (src/schema.d.ts; regenerate with `npm run generate`, checked by tests/contract).
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema.js";

export type { components, paths };
export type Playlist = components["schemas"]["Playlist"];
export type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];
export type GatewayClient = Client<paths>;

/** A client for the gateway at baseUrl; with a token, every call carries the bearer session (native apps). */
export function createGatewayClient(baseUrl: string, token?: string): GatewayClient {
  const client = createClient<paths>({ baseUrl });
  if (token !== undefined) {
    const bearer: Middleware = {
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${token}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}

/** The multipart body of POST /v1/playlists: the schema types the photo as a string, the wire wants a file. */
export function photoForm(
  photos: Blob | Blob[],
  fields: Omit<components["schemas"]["Body_post_playlist_v1_playlists_post"], "image">,
): FormData {
  const form = new FormData();
  // One photo, or an album's (the `image` part repeated, in playing order).
  const all = Array.isArray(photos) ? photos : [photos];
  all.forEach((photo, place) => form.append("image", photo, `photo-${place + 1}.jpg`));
  for (const [name, value] of Object.entries(fields)) {
    // The body openapi-fetch hands a serializer still has the schema's `image` placeholder: the file replaces it.
    if (name !== "image" && value !== undefined && value !== null) form.append(name, String(value));
  }
  return form;
}
