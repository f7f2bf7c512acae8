from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="GenresIn")


@_attrs_define
class GenresIn:
    """Genres to use: seed genres or Spotify micro-genres (mapped onto seed genres); at most 5 after mapping.

    Attributes:
        genres (list[str]):
    """

    genres: list[str]

    def to_dict(self) -> dict[str, Any]:
        genres = self.genres

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "genres": genres,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        genres = cast(list[str], d.pop("genres"))

        genres_in = cls(
            genres=genres,
        )

        return genres_in
