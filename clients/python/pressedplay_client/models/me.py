from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.genre_profile import GenreProfile


T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """Who is signed in with Spotify in this browser session, and their genres.

    Attributes:
        signed_in (bool):
        spotify_configured (bool): False when this server has no Spotify client id.
        display_name (None | str | Unset):
        genres (GenreProfile | None | Unset):
        spotify_user_id (None | str | Unset):
    """

    signed_in: bool
    spotify_configured: bool
    display_name: None | str | Unset = UNSET
    genres: GenreProfile | None | Unset = UNSET
    spotify_user_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.genre_profile import GenreProfile  # noqa: PLC0415

        signed_in = self.signed_in

        spotify_configured = self.spotify_configured

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        genres: dict[str, Any] | None | Unset
        if isinstance(self.genres, Unset):
            genres = UNSET
        elif isinstance(self.genres, GenreProfile):
            genres = self.genres.to_dict()
        else:
            genres = self.genres

        spotify_user_id: None | str | Unset
        if isinstance(self.spotify_user_id, Unset):
            spotify_user_id = UNSET
        else:
            spotify_user_id = self.spotify_user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signed_in": signed_in,
                "spotify_configured": spotify_configured,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if genres is not UNSET:
            field_dict["genres"] = genres
        if spotify_user_id is not UNSET:
            field_dict["spotify_user_id"] = spotify_user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.genre_profile import GenreProfile  # noqa: PLC0415

        d = dict(src_dict)
        signed_in = d.pop("signed_in")

        spotify_configured = d.pop("spotify_configured")

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_genres(data: object) -> GenreProfile | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                genres_type_0 = GenreProfile.from_dict(data)

                return genres_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GenreProfile | None | Unset, data)

        genres = _parse_genres(d.pop("genres", UNSET))

        def _parse_spotify_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        spotify_user_id = _parse_spotify_user_id(d.pop("spotify_user_id", UNSET))

        me = cls(
            signed_in=signed_in,
            spotify_configured=spotify_configured,
            display_name=display_name,
            genres=genres,
            spotify_user_id=spotify_user_id,
        )

        me.additional_properties = d
        return me

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
