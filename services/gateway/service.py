"""The gateway's service layer: one method per use case, the only thing a route calls (testable without HTTP: give it
Upstreams over httpx.MockTransport fakes and an in-process session store).

The playlist flow is `make_playlist`, in steps another flow (several photos, one playlist) can reuse: who asks
(`listener`), the genres wanted (`wanted_genres`), the photo's reading and tracks (playlists.create_playlist:
inference and the playlist service, at once where they can be), then the playlist on a signed-in person's Spotify
account and in the session (`publish_and_keep`). Routes parse the request and render what these return; the cookie
and headers are theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from services.gateway.account import NotOnSpotifyYet, SpotifyAccount, SpotifySignInRequired
from services.gateway.account_schemas import Me
from services.gateway.adapters.upstreams import Upstreams
from services.gateway.album_photos import AlbumOrder, Photo, read_album
from services.gateway.albums import create_album
from services.gateway.carry import carry_guest_session
from services.gateway.playlists import create_playlist, export_playlist, parse_genres, rate_playlist, raters
from services.gateway.schemas import FeedbackOut, StoredPlaylist
from services.gateway.sessions import SessionStore, new_session_token, session_key
from services.gateway.settings import Settings
from services.gateway.takes import keep_takes, next_take
from shared.errors import PayloadTooLarge, ServiceError
from shared.rating import RatingList
from shared.recommendation import ExportFormat, Mode
from shared.server_timing import ServerTiming
from shared.spotify_account import SpotifyUser


@dataclass(frozen=True)
class Listener:
    """Who a playlist is made for: the session's token and its Spotify side (signed in or not)."""

    token: str
    account: SpotifyAccount
    signed_in: bool
    spotify_user: str | None


@dataclass(frozen=True)
class MadePlaylist:
    """A new playlist, the session token it is kept under (new for a first visit) and where its time went."""

    playlist: StoredPlaylist
    token: str
    timing: ServerTiming


def spotify_identity(who: SpotifyUser | None) -> tuple[bool, str | None]:
    """(signed in, Spotify user id) from the playlist service's /v1/spotify/me answer."""
    if who is None or not who.signed_in:
        return False, None
    return True, who.user_id or None


class GatewayService:
    """The use cases of the public API over the open upstream clients and session store."""

    def __init__(self, *, settings: Settings, sessions: SessionStore, upstreams: Upstreams) -> None:
        self.settings = settings
        self.sessions = sessions
        self.upstreams = upstreams

    def account(self, token: str) -> SpotifyAccount:
        """The Spotify side of one session (the playlist service's /v1/spotify routes)."""
        return SpotifyAccount(self.upstreams.playlist, token)

    async def new_session(self) -> str:
        """A fresh session token, held as issued for GATEWAY_SESSION_TTL_S from its last use."""
        token = new_session_token()
        await self.sessions.open(session=session_key(token), ttl_s=self.settings.session_ttl_s)
        return token

    async def live_session(self, token: str) -> bool:
        """Whether `token` is a session this gateway issued and still holds (its life renewed by the asking)."""
        return await self.sessions.renew(session=session_key(token), ttl_s=self.settings.session_ttl_s)

    async def keep(self, token: str, playlist: StoredPlaylist) -> None:
        """Store the playlist in the session for GATEWAY_PLAYLIST_TTL_S."""
        await self.sessions.put_playlist(
            session=session_key(token), playlist=playlist, ttl_s=self.settings.playlist_ttl_s
        )

    async def make_playlist(
        self,
        *,
        token: str | None,
        photos: Sequence[Photo],
        genres: str | None,
        n: int,
        mode: Mode,
        order: AlbumOrder = "given",
    ) -> MadePlaylist:
        """A playlist from a photo, or one that moves with an album's photos (the genres comma-separated; none: a
        signed-in person's profile, else any), on the person's Spotify account when signed in, kept in the session
        (a new one without `token`)."""
        # What the request says is checked before any upstream is asked: the photos' types, sizes and headers, and
        # the genre list.
        album = read_album(photos, self.settings.album_limits(), order=order) if len(photos) > 1 else None
        if album is None:
            self.check_single(photos[0])
        asked = dict.fromkeys(parse_genres(genres), 1.0)
        listener = await self.listener(token)
        wanted, profile_warning = await self.wanted_genres(listener, asked)
        timing = ServerTiming()
        if album is None:
            playlist = await create_playlist(
                upstreams=self.upstreams, image=photos[0].data, content_type=photos[0].media_type(), genres=wanted,
                n=n, mode=mode, spotify_user=listener.spotify_user, timing=timing, filename=photos[0].filename,
            )  # fmt: skip
            cover = photos[0]
        else:
            playlist = await create_album(
                upstreams=self.upstreams, photos=album[0], warnings=album[1], genres=wanted, n=n, mode=mode,
                spotify_user=listener.spotify_user, timing=timing,
            )  # fmt: skip
            cover = Photo(data=playlist.photo or b"", content_type="image/jpeg")  # its collage
        if profile_warning:
            playlist = playlist.model_copy(update={"warnings": [*playlist.warnings, profile_warning]})
        playlist = await self.publish_and_keep(listener, playlist, cover=cover, timing=timing)
        return MadePlaylist(playlist=playlist, token=listener.token, timing=timing)

    def check_single(self, photo: Photo) -> None:
        """One photo: an image/* type (415) within GATEWAY_MAX_PHOTO_BYTES (413)."""
        photo.media_type()
        if len(photo.data) > self.settings.max_photo_bytes:
            raise PayloadTooLarge(f"the photo is larger than the {self.settings.max_photo_bytes:,}-byte limit")

    async def listener(self, token: str | None) -> Listener:
        """Who asks: the session (a new one without `token`) and, signed in with Spotify, the account."""
        session = token or await self.new_session()
        account = self.account(session)
        signed_in, spotify_user = spotify_identity(await account.who() if token is not None else None)
        return Listener(token=session, account=account, signed_in=signed_in, spotify_user=spotify_user)

    async def wanted_genres(self, listener: Listener, asked: dict[str, float]) -> tuple[dict[str, float], str | None]:
        """The genres asked for (names -> weights); none asked and signed in: the profile's, with a warning when
        the profile could not be read."""
        if listener.signed_in and not asked:
            return await listener.account.genres_or_warn()
        return asked, None

    async def publish_and_keep(
        self, listener: Listener, playlist: StoredPlaylist, *, cover: Photo, timing: ServerTiming
    ) -> StoredPlaylist:
        """Put the playlist on a signed-in person's Spotify account (the photo as its cover), then keep it in the
        session."""
        if listener.signed_in:
            with timing.span("spotify"):
                playlist = await listener.account.publish_or_warn(
                    playlist, photo=cover.data, content_type=cover.media_type()
                )
        with timing.span("store"):
            await self.keep(listener.token, playlist)
        return playlist

    async def resolve_genres(self, name: str) -> list[str]:
        """The seed genres a typed name maps to (422 UnknownGenre, listing the valid ones, when it maps to none)."""
        return await self.upstreams.resolve_genres([name])

    async def another_take(self, *, origin: StoredPlaylist, token: str) -> StoredPlaylist:
        """Another take of the photo `origin` was made from: a new playlist, on Spotify when the origin was."""
        session = session_key(token)
        earlier, take = await next_take(
            upstreams=self.upstreams, sessions=self.sessions, session=session, origin=origin
        )
        account = self.account(token)
        if origin.spotify is not None and origin.photo is not None and (await account.who()).signed_in:
            take = await account.publish_or_warn(take, photo=origin.photo, content_type="image/jpeg")
        ttl_s = self.settings.playlist_ttl_s
        await keep_takes(sessions=self.sessions, session=session, earlier=earlier, take=take, ttl_s=ttl_s)
        return take

    async def export(self, *, playlist: StoredPlaylist, fmt: ExportFormat) -> tuple[bytes, str]:
        """The playlist as a file: (body, media type)."""
        return await export_playlist(upstreams=self.upstreams, playlist=playlist, fmt=fmt)

    async def rate(
        self, *, playlist: StoredPlaylist, token: str, rating: Literal[1, -1], idempotency_key: str | None
    ) -> tuple[FeedbackOut, int]:
        """Rate the playlist: (the stored rating, 201 new / 200 replaced / 202 queued)."""
        return await rate_playlist(
            upstreams=self.upstreams,
            playlist=playlist,
            rating=rating,
            session=session_key(token),
            idempotency_key=idempotency_key,
        )

    async def my_raters(self, token: str | None) -> list[str]:
        """The rater keys of this person: the session's and, signed in, the Spotify account's."""
        if token is None:
            return []
        _, user = spotify_identity(await self.account(token).who())
        return raters(session=session_key(token), spotify_user=user)

    async def my_ratings(self, token: str | None) -> RatingList:
        """Every rating of this person, photos included."""
        keys = await self.my_raters(token)
        return await self.upstreams.ratings_of(keys) if keys else RatingList(ratings=[])

    async def delete_my_ratings(self, token: str | None) -> int:
        """Delete every rating of this person with its photo; how many went."""
        keys = await self.my_raters(token)
        return (await self.upstreams.delete_ratings_of(keys)).deleted if keys else 0

    async def begin_sign_in(self, token: str | None) -> tuple[str, str]:
        """Spotify's consent page for a sign-in bound to this session (a new one without `token`): (url, token)."""
        session = token or await self.new_session()
        return await self.account(session).sign_in_url(), session

    async def finish_sign_in(self, *, token: str, code: str | None, state: str | None, error: str | None) -> str:
        """Hand Spotify's answer over and carry the guest's playlists and ratings into the account; the new
        session's token (a fresh one: a session id fixed by someone else before sign-in never becomes signed in)."""
        new_token = await self.new_session()
        who = await self.account(token).finish(new_token=new_token, state=state, code=code, error=error)
        if who.user_id:  # what the guest made and rated comes along into the account
            await carry_guest_session(
                upstreams=self.upstreams,
                sessions=self.sessions,
                guest_token=token,
                new_token=new_token,
                user_id=who.user_id,
                ttl_s=self.settings.playlist_ttl_s,
            )
        return new_token

    async def me(self, token: str | None) -> Me:
        """Whether Spotify is set up here, who is signed in on this session, and their genres."""
        account = self.account(token or new_session_token())
        who = await account.who()
        if token is None or not who.signed_in:
            return Me(signed_in=False, spotify_configured=who.configured)
        try:
            genres = await account.genres()
        except ServiceError as exc:
            if exc.status_code == 401:  # refused after a refresh: the playlist service has signed the session out
                return Me(signed_in=False, spotify_configured=True)
            raise
        return Me(
            signed_in=True,
            spotify_configured=True,
            display_name=who.display_name,
            spotify_user_id=who.user_id,
            genres=genres,
        )

    async def revoke_session(self, token: str) -> None:
        """Refuse the session's token from now on, then sign it out of Spotify. Revoked first, so the token is dead
        even when the playlist service fails the sign-out (its Spotify tokens then lapse unreachable, with their
        own TTL)."""
        await self.sessions.revoke(session=session_key(token))
        await self.account(token).sign_out()

    async def save_on_spotify(self, *, playlist: StoredPlaylist, token: str) -> StoredPlaylist:
        """Keep the playlist on Spotify when the next one is made."""
        if playlist.spotify_pending:  # signed in, but Spotify failed to take it: a sign-in would not help
            again = f"POST /v1/playlists/{playlist.id}/spotify"
            raise NotOnSpotifyYet(f"this playlist is not on Spotify yet (its save failed): save it again ({again})")
        if playlist.spotify is None:
            raise SpotifySignInRequired("this playlist is not on Spotify: sign in with Spotify before making one")
        await self.account(token).save(playlist.spotify.id)
        saved = playlist.model_copy(update={"spotify": playlist.spotify.model_copy(update={"saved": True})})
        await self.keep(token, saved)
        return saved

    async def publish_again(self, *, playlist: StoredPlaylist, token: str) -> StoredPlaylist:
        """Put a playlist Spotify could not take on the account now (nothing to do when it is there already)."""
        if playlist.spotify is not None:  # already there (a retry of a retry): nothing to do twice
            return playlist
        account = self.account(token)
        if not (await account.who()).signed_in:
            raise SpotifySignInRequired("sign in with Spotify first (GET /v1/auth/login)")
        # Spotify failing again is this request's error (503 / 504); the playlist stays as it was, ready to retry.
        published = await account.publish(playlist, photo=playlist.photo, content_type="image/jpeg")
        await self.keep(token, published)
        return published
