from enum import StrEnum


class PlaylistMode(StrEnum):
    BOOST = "boost"
    CALM = "calm"
    MATCH = "match"

    def __str__(self) -> str:
        return str(self.value)
