from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.feedback_in_rating import FeedbackInRating


T = TypeVar("T", bound="FeedbackIn")


@_attrs_define
class FeedbackIn:
    """A like or a dislike.

    Attributes:
        rating (FeedbackInRating): 1 = liked, -1 = disliked.
    """

    rating: FeedbackInRating

    def to_dict(self) -> dict[str, Any]:
        rating = self.rating.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rating": rating,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rating = FeedbackInRating(d.pop("rating"))

        feedback_in = cls(
            rating=rating,
        )

        return feedback_in
