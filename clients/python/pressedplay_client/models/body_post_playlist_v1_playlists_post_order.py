from enum import StrEnum


class BodyPostPlaylistV1PlaylistsPostOrder(StrEnum):
    GIVEN = "given"
    TAKEN = "taken"

    def __str__(self) -> str:
        return str(self.value)
