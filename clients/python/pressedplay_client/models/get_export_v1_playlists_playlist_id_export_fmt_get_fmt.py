from enum import StrEnum


class GetExportV1PlaylistsPlaylistIdExportFmtGetFmt(StrEnum):
    CSV = "csv"
    JSON = "json"
    M3U8 = "m3u8"

    def __str__(self) -> str:
        return str(self.value)
