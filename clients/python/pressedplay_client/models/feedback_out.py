from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.feedback_out_rating import FeedbackOutRating
from ..types import UNSET, Unset
from typing import cast
import datetime


T = TypeVar("T", bound="FeedbackOut")


@_attrs_define
class FeedbackOut:
    """The stored rating (the feedback service's answer, passed on).

    Attributes:
        created_at (datetime.datetime):
        id (str):
        playlist_id (str):
        rating (FeedbackOutRating):
        queued (bool | Unset): True: in the outbox, delivered when the store returns. Default: False.
    """

    created_at: datetime.datetime
    id: str
    playlist_id: str
    rating: FeedbackOutRating
    queued: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = self.id

        playlist_id = self.playlist_id

        rating = self.rating.value

        queued = self.queued

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "playlist_id": playlist_id,
                "rating": rating,
            }
        )
        if queued is not UNSET:
            field_dict["queued"] = queued

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        playlist_id = d.pop("playlist_id")

        rating = FeedbackOutRating(d.pop("rating"))

        queued = d.pop("queued", UNSET)

        feedback_out = cls(
            created_at=created_at,
            id=id,
            playlist_id=playlist_id,
            rating=rating,
            queued=queued,
        )

        feedback_out.additional_properties = d
        return feedback_out

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
