from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.genre_profile_source import GenreProfileSource
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.genre_profile_counts import GenreProfileCounts


T = TypeVar("T", bound="GenreProfile")


@_attrs_define
class GenreProfile:
    """The signed-in user's genres: weights from their Spotify listening and the ones playlists use now.

    Attributes:
        counts (GenreProfileCounts): Seed genre -> weight, heaviest first (at most 20 shown).
        fetched_at (datetime.datetime):
        genres (list[str]): Up to 5 seed genres used when a playlist names none.
        source (GenreProfileSource): Where the weights came from: the top artists' genres, the catalog genres of the top
            tracks' artists (when artists carry no genres), or a default mix.
        edited (bool | Unset): True when the user chose the genres themselves. Default: False.
    """

    counts: GenreProfileCounts
    fetched_at: datetime.datetime
    genres: list[str]
    source: GenreProfileSource
    edited: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.genre_profile_counts import GenreProfileCounts  # noqa: PLC0415

        counts = self.counts.to_dict()

        fetched_at = self.fetched_at.isoformat()

        genres = self.genres

        source = self.source.value

        edited = self.edited

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "counts": counts,
                "fetched_at": fetched_at,
                "genres": genres,
                "source": source,
            }
        )
        if edited is not UNSET:
            field_dict["edited"] = edited

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.genre_profile_counts import GenreProfileCounts  # noqa: PLC0415

        d = dict(src_dict)
        counts = GenreProfileCounts.from_dict(d.pop("counts"))

        fetched_at = datetime.datetime.fromisoformat(d.pop("fetched_at"))

        genres = cast(list[str], d.pop("genres"))

        source = GenreProfileSource(d.pop("source"))

        edited = d.pop("edited", UNSET)

        genre_profile = cls(
            counts=counts,
            fetched_at=fetched_at,
            genres=genres,
            source=source,
            edited=edited,
        )

        genre_profile.additional_properties = d
        return genre_profile

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
