"""Everything the playlist service does with Spotify: sign-in (Authorization Code + PKCE), tokens kept encrypted,
the user's genre profile, and the generated playlist on the user's account."""
