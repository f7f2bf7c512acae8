from enum import StrEnum


class BodyPostPlaylistV1PlaylistsPostMode(StrEnum):
    BOOST = "boost"
    CALM = "calm"
    MATCH = "match"

    def __str__(self) -> str:
        return str(self.value)
