"""The original project's Spotify collector, for operators whose API access still allows it."""
