from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset


T = TypeVar("T", bound="SpotifyPlaylistRef")


@_attrs_define
class SpotifyPlaylistRef:
    """Where the generated playlist lives on the user's Spotify account.

    Attributes:
        id (str):
        skipped (int): Tracks Spotify no longer has, replaced from the next candidates.
        uri (str):
        url (str):
        saved (bool | Unset): Saved playlists are kept when the next one is made. Default: False.
    """

    id: str
    skipped: int
    uri: str
    url: str
    saved: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        skipped = self.skipped

        uri = self.uri

        url = self.url

        saved = self.saved

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "skipped": skipped,
                "uri": uri,
                "url": url,
            }
        )
        if saved is not UNSET:
            field_dict["saved"] = saved

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        skipped = d.pop("skipped")

        uri = d.pop("uri")

        url = d.pop("url")

        saved = d.pop("saved", UNSET)

        spotify_playlist_ref = cls(
            id=id,
            skipped=skipped,
            uri=uri,
            url=url,
            saved=saved,
        )

        spotify_playlist_ref.additional_properties = d
        return spotify_playlist_ref

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
