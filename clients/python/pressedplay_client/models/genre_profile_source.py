from enum import StrEnum


class GenreProfileSource(StrEnum):
    DEFAULT = "default"
    TOP_ARTISTS = "top_artists"
    TOP_TRACKS = "top_tracks"

    def __str__(self) -> str:
        return str(self.value)
