// The generated TypeScript client against the running gateway, as a native app uses it: a bearer session, a
// playlist from a photo, a rating, the ratings listed, an unknown genre refused, the session revoked. Run by
// tests/e2e/test_generated_clients.py (GATEWAY_URL and PHOTO_PATH come from it), after `tsc` type-checked it against
// src/schema.d.ts, so a field the document no longer has fails the compile, not a user.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { createGatewayClient, photoForm, type ErrorEnvelope } from "../src/index.js";

const gateway = process.env.GATEWAY_URL ?? assert.fail("GATEWAY_URL is not set");
const photo = new Blob([readFileSync(process.env.PHOTO_PATH ?? assert.fail("PHOTO_PATH is not set"))], {
  type: "image/jpeg",
});

async function bearerToken(): Promise<string> {
  const { data, response } = await createGatewayClient(gateway).POST("/v1/sessions");
  assert.equal(response.status, 201);
  assert.equal(data?.token_type, "Bearer");
  return data?.token ?? assert.fail("no token");
}

test("a native app makes a playlist, rates it and lists its ratings with a bearer session", async () => {
  const client = createGatewayClient(gateway, await bearerToken());
  const genres = await client.GET("/v1/genres");
  assert.ok(genres.data?.genres.includes("rock"));

  const made = await client.POST("/v1/playlists", {
    body: { image: [], genres: "rock", n: 5, mode: "calm", order: "given" },
    bodySerializer: (body) => photoForm(photo, body),
  });
  assert.equal(made.response.status, 201, JSON.stringify(made.error));
  const playlist = made.data ?? assert.fail("no playlist");
  assert.equal(playlist.tracks.length, 5);
  assert.equal(playlist.mode, "calm");
  assert.ok(playlist.genres.includes("rock"));
  for (const track of playlist.tracks) assert.match(track.uri, /^spotify:track:[0-9A-Za-z]{22}$/);

  const again = await client.GET("/v1/playlists/{playlist_id}", { params: { path: { playlist_id: playlist.id } } });
  assert.deepEqual(
    again.data?.tracks.map((t) => t.id),
    playlist.tracks.map((t) => t.id),
  );

  const rated = await client.POST("/v1/playlists/{playlist_id}/feedback", {
    params: { path: { playlist_id: playlist.id } },
    body: { rating: 1 },
  });
  assert.equal(rated.response.status, 201, JSON.stringify(rated.error));
  assert.equal(rated.data?.rating, 1);

  const mine = await client.GET("/v1/me/ratings");
  const ratings = mine.data?.ratings.filter((r) => r.playlist_id === playlist.id) ?? [];
  assert.deepEqual(
    ratings.map((r) => r.rating),
    [1],
  );

  const stranger = createGatewayClient(gateway, await bearerToken());
  const hidden = await stranger.GET("/v1/playlists/{playlist_id}", { params: { path: { playlist_id: playlist.id } } });
  assert.equal(hidden.response.status, 404);
});

test("an unknown genre is a typed 422 error, and a revoked session is refused", async () => {
  const client = createGatewayClient(gateway, await bearerToken());
  const refused = await client.POST("/v1/playlists", {
    body: { image: [], genres: "<b>not a genre</b>", n: 5, mode: "match", order: "given" },
    bodySerializer: (body) => photoForm(photo, body),
  });
  assert.equal(refused.response.status, 422);
  const envelope: ErrorEnvelope = refused.error ?? assert.fail("no error body");
  assert.equal(envelope.error, "UnknownGenre");

  const revoked = await client.DELETE("/v1/sessions/current");
  assert.equal(revoked.response.status, 204);
  const twice = await client.DELETE("/v1/sessions/current");
  assert.equal(twice.response.status, 401);
  assert.equal(twice.error?.error, "SessionNotFound");
});
