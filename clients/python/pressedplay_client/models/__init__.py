"""Contains all the data models used in inputs/outputs"""

from .attention_grid import AttentionGrid
from .audio_features import AudioFeatures
from .bearer_session import BearerSession
from .body_post_playlist_v1_playlists_post import BodyPostPlaylistV1PlaylistsPost
from .body_post_playlist_v1_playlists_post_mode import BodyPostPlaylistV1PlaylistsPostMode
from .body_post_playlist_v1_playlists_post_order import BodyPostPlaylistV1PlaylistsPostOrder
from .error_envelope import ErrorEnvelope
from .feedback_in import FeedbackIn
from .feedback_in_rating import FeedbackInRating
from .feedback_out import FeedbackOut
from .feedback_out_rating import FeedbackOutRating
from .genre_list import GenreList
from .genre_profile import GenreProfile
from .genre_profile_counts import GenreProfileCounts
from .genre_profile_source import GenreProfileSource
from .genre_resolution import GenreResolution
from .genres_in import GenresIn
from .get_export_v1_playlists_playlist_id_export_fmt_get_fmt import GetExportV1PlaylistsPlaylistIdExportFmtGetFmt
from .healthz_healthz_get_response_healthz_healthz_get import HealthzHealthzGetResponseHealthzHealthzGet
from .http_validation_error import HTTPValidationError
from .me import Me
from .my_ratings import MyRatings
from .my_ratings_deleted import MyRatingsDeleted
from .photo_mood import PhotoMood
from .playlist import Playlist
from .playlist_genre_look_type_0 import PlaylistGenreLookType0
from .playlist_mode import PlaylistMode
from .playlist_photo import PlaylistPhoto
from .playlist_photo_genre_look_type_0 import PlaylistPhotoGenreLookType0
from .rating_detail import RatingDetail
from .rating_detail_genre_look_type_0 import RatingDetailGenreLookType0
from .rating_detail_rating import RatingDetailRating
from .spotify_playlist_ref import SpotifyPlaylistRef
from .track import Track
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .warmup_status import WarmupStatus

__all__ = (
    "AttentionGrid",
    "AudioFeatures",
    "BearerSession",
    "BodyPostPlaylistV1PlaylistsPost",
    "BodyPostPlaylistV1PlaylistsPostMode",
    "BodyPostPlaylistV1PlaylistsPostOrder",
    "ErrorEnvelope",
    "FeedbackIn",
    "FeedbackInRating",
    "FeedbackOut",
    "FeedbackOutRating",
    "GenreList",
    "GenreProfile",
    "GenreProfileCounts",
    "GenreProfileSource",
    "GenreResolution",
    "GenresIn",
    "GetExportV1PlaylistsPlaylistIdExportFmtGetFmt",
    "HealthzHealthzGetResponseHealthzHealthzGet",
    "HTTPValidationError",
    "Me",
    "MyRatings",
    "MyRatingsDeleted",
    "PhotoMood",
    "Playlist",
    "PlaylistGenreLookType0",
    "PlaylistMode",
    "PlaylistPhoto",
    "PlaylistPhotoGenreLookType0",
    "RatingDetail",
    "RatingDetailGenreLookType0",
    "RatingDetailRating",
    "SpotifyPlaylistRef",
    "Track",
    "ValidationError",
    "ValidationErrorContext",
    "WarmupStatus",
)
