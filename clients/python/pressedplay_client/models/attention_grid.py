from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast


T = TypeVar("T", bound="AttentionGrid")


@_attrs_define
class AttentionGrid:
    """The heat map: how much each part of the photo (squashed square) moved its mood toward the answer, a
    (height x width) grid of non-negative weights summing to 1 (the mood head's class-activation map).

        Attributes:
            height (int):
            values (list[list[float]]): Row-major weights, rows top to bottom.
            width (int):
    """

    height: int
    values: list[list[float]]
    width: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        height = self.height

        values = []
        for values_item_data in self.values:
            values_item = values_item_data

            values.append(values_item)

        width = self.width

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "height": height,
                "values": values,
                "width": width,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        height = d.pop("height")

        values = []
        _values = d.pop("values")
        for values_item_data in _values:
            values_item = cast(list[float], values_item_data)

            values.append(values_item)

        width = d.pop("width")

        attention_grid = cls(
            height=height,
            values=values,
            width=width,
        )

        attention_grid.additional_properties = d
        return attention_grid

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
