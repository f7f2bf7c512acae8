from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.rating_detail_rating import RatingDetailRating
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.audio_features import AudioFeatures
    from ..models.photo_mood import PhotoMood
    from ..models.rating_detail_genre_look_type_0 import RatingDetailGenreLookType0


T = TypeVar("T", bound="RatingDetail")


@_attrs_define
class RatingDetail:
    """A stored rating with everything it carries (the photo as base64 JPEG: URL-safe alphabet out, either in).

    Attributes:
        created_at (datetime.datetime):
        features (AudioFeatures): The 8 Spotify audio features in Spotify's own units (loudness in dB, the rest in [0,
            1]).
        id (str):
        model_version (str):
        playlist_id (str):
        rater (str): spotify:<user id> when signed in, else session:<session key>.
        rating (RatingDetailRating):
        track_ids (list[str]):
        genre_look (None | RatingDetailGenreLookType0 | Unset):
        genres (list[str] | Unset):
        mode (None | str | Unset):
        mood (None | PhotoMood | Unset):
        photo (None | str | Unset):
        queued (bool | Unset): True: in the outbox, delivered when the store returns. Default: False.
        session (None | str | Unset):
        stored_at (datetime.datetime | None | Unset):
        track_photos (list[int] | Unset):
        user (None | str | Unset):
    """

    created_at: datetime.datetime
    features: AudioFeatures
    id: str
    model_version: str
    playlist_id: str
    rater: str
    rating: RatingDetailRating
    track_ids: list[str]
    genre_look: None | RatingDetailGenreLookType0 | Unset = UNSET
    genres: list[str] | Unset = UNSET
    mode: None | str | Unset = UNSET
    mood: None | PhotoMood | Unset = UNSET
    photo: None | str | Unset = UNSET
    queued: bool | Unset = False
    session: None | str | Unset = UNSET
    stored_at: datetime.datetime | None | Unset = UNSET
    track_photos: list[int] | Unset = UNSET
    user: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audio_features import AudioFeatures  # noqa: PLC0415
        from ..models.photo_mood import PhotoMood  # noqa: PLC0415
        from ..models.rating_detail_genre_look_type_0 import RatingDetailGenreLookType0  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        features = self.features.to_dict()

        id = self.id

        model_version = self.model_version

        playlist_id = self.playlist_id

        rater = self.rater

        rating = self.rating.value

        track_ids = self.track_ids

        genre_look: dict[str, Any] | None | Unset
        if isinstance(self.genre_look, Unset):
            genre_look = UNSET
        elif isinstance(self.genre_look, RatingDetailGenreLookType0):
            genre_look = self.genre_look.to_dict()
        else:
            genre_look = self.genre_look

        genres: list[str] | Unset = UNSET
        if not isinstance(self.genres, Unset):
            genres = self.genres

        mode: None | str | Unset
        if isinstance(self.mode, Unset):
            mode = UNSET
        else:
            mode = self.mode

        mood: dict[str, Any] | None | Unset
        if isinstance(self.mood, Unset):
            mood = UNSET
        elif isinstance(self.mood, PhotoMood):
            mood = self.mood.to_dict()
        else:
            mood = self.mood

        photo: None | str | Unset
        if isinstance(self.photo, Unset):
            photo = UNSET
        else:
            photo = self.photo

        queued = self.queued

        session: None | str | Unset
        if isinstance(self.session, Unset):
            session = UNSET
        else:
            session = self.session

        stored_at: None | str | Unset
        if isinstance(self.stored_at, Unset):
            stored_at = UNSET
        elif isinstance(self.stored_at, datetime.datetime):
            stored_at = self.stored_at.isoformat()
        else:
            stored_at = self.stored_at

        track_photos: list[int] | Unset = UNSET
        if not isinstance(self.track_photos, Unset):
            track_photos = self.track_photos

        user: None | str | Unset
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "features": features,
                "id": id,
                "model_version": model_version,
                "playlist_id": playlist_id,
                "rater": rater,
                "rating": rating,
                "track_ids": track_ids,
            }
        )
        if genre_look is not UNSET:
            field_dict["genre_look"] = genre_look
        if genres is not UNSET:
            field_dict["genres"] = genres
        if mode is not UNSET:
            field_dict["mode"] = mode
        if mood is not UNSET:
            field_dict["mood"] = mood
        if photo is not UNSET:
            field_dict["photo"] = photo
        if queued is not UNSET:
            field_dict["queued"] = queued
        if session is not UNSET:
            field_dict["session"] = session
        if stored_at is not UNSET:
            field_dict["stored_at"] = stored_at
        if track_photos is not UNSET:
            field_dict["track_photos"] = track_photos
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audio_features import AudioFeatures  # noqa: PLC0415
        from ..models.photo_mood import PhotoMood  # noqa: PLC0415
        from ..models.rating_detail_genre_look_type_0 import RatingDetailGenreLookType0  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        features = AudioFeatures.from_dict(d.pop("features"))

        id = d.pop("id")

        model_version = d.pop("model_version")

        playlist_id = d.pop("playlist_id")

        rater = d.pop("rater")

        rating = RatingDetailRating(d.pop("rating"))

        track_ids = cast(list[str], d.pop("track_ids"))

        def _parse_genre_look(data: object) -> None | RatingDetailGenreLookType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                genre_look_type_0 = RatingDetailGenreLookType0.from_dict(data)

                return genre_look_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RatingDetailGenreLookType0 | Unset, data)

        genre_look = _parse_genre_look(d.pop("genre_look", UNSET))

        genres = cast(list[str], d.pop("genres", UNSET))

        def _parse_mode(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mode = _parse_mode(d.pop("mode", UNSET))

        def _parse_mood(data: object) -> None | PhotoMood | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mood_type_0 = PhotoMood.from_dict(data)

                return mood_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PhotoMood | Unset, data)

        mood = _parse_mood(d.pop("mood", UNSET))

        def _parse_photo(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        photo = _parse_photo(d.pop("photo", UNSET))

        queued = d.pop("queued", UNSET)

        def _parse_session(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session = _parse_session(d.pop("session", UNSET))

        def _parse_stored_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                stored_at_type_0 = datetime.datetime.fromisoformat(data)

                return stored_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        stored_at = _parse_stored_at(d.pop("stored_at", UNSET))

        track_photos = cast(list[int], d.pop("track_photos", UNSET))

        def _parse_user(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user = _parse_user(d.pop("user", UNSET))

        rating_detail = cls(
            created_at=created_at,
            features=features,
            id=id,
            model_version=model_version,
            playlist_id=playlist_id,
            rater=rater,
            rating=rating,
            track_ids=track_ids,
            genre_look=genre_look,
            genres=genres,
            mode=mode,
            mood=mood,
            photo=photo,
            queued=queued,
            session=session,
            stored_at=stored_at,
            track_photos=track_photos,
            user=user,
        )

        rating_detail.additional_properties = d
        return rating_detail

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
