"""Genre names: the map from any name (Spotify micro-genres, typos, plain words) to the seed genres, and the
text model behind names the map file lacks."""
