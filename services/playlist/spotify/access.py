"""Signing in and out, and running Web API calls as a signed-in user with fresh tokens.

A call gets the session's tokens, refreshes them first when they expire within a minute (keeping a rotated refresh
token), and on a 401 refreshes once and tries again before answering SpotifySignInRequired. A 429 is waited out when
its Retry-After is within PLAYLIST_SPOTIFY_MAX_RETRY_AFTER_S, else answered 503 with the Retry-After. The sign-in's
own GET /me is answered the same way (`_translated`), except that a 401 there asks for a new sign-in at once. Signing
out holds the session's refresh lock, and a refresh that finds the tokens gone answers SpotifySignInRequired: a
request in flight cannot sign the session back in (within one process; replicas share no lock). spotipy is
synchronous: calls run in a small thread pool, each bounded by the timeout.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from services.playlist.spotify.errors import (
    InvalidSignIn,
    SpotifyFailed,
    SpotifyRateLimited,
    SpotifySignInRequired,
    SpotifyTimeout,
)
from services.playlist.spotify.oauth import SpotifyAccounts, TokenGrant, authorize_url, new_state, new_verifier
from services.playlist.spotify.tokens import PendingSignIn, PendingSignIns, SpotifyTokens, TokenVault
from services.playlist.spotify.webapi import AccessTokenRejected, RateLimited, SpotifyProfileApi

log = logging.getLogger("pressedplay.playlist.spotify")
T = TypeVar("T")
REFRESH_MARGIN_S = 60.0
_LOCKS = 64
_MAX_429_WAITS = 3  # a Retry-After of 0 must not loop forever


@dataclass(frozen=True)
class SpotifyConfig:
    """Where Spotify is and how patient to be with it."""

    client_id: str
    redirect_uri: str
    accounts_url: str
    timeout_s: float
    max_retry_after_s: int


class SpotifyAccess:
    """Sign-in, sign-out and authenticated calls for browser sessions identified by an account key."""

    def __init__(
        self,
        *,
        config: SpotifyConfig,
        accounts: SpotifyAccounts,
        api: SpotifyProfileApi,
        vault: TokenVault,
        pending: PendingSignIns,
        workers: int = 4,
    ) -> None:
        self.config = config
        self.accounts = accounts
        self.api = api
        self.vault = vault
        self.pending = pending
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="spotify")
        # Two requests of one session must not both refresh: the first rotation would void the second's token.
        self._locks = [asyncio.Lock() for _ in range(_LOCKS)]

    async def aclose(self) -> None:
        """Release the pool and the accounts client."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        await self.accounts.aclose()

    def _lock(self, account: str) -> asyncio.Lock:
        return self._locks[int(hashlib.sha256(account.encode()).hexdigest()[:8], 16) % _LOCKS]

    # --- sign-in ------------------------------------------------------------------------------------------------
    async def start_sign_in(self, account: str) -> str:
        """Remember a new state + verifier for this session; the authorize URL to send the browser to."""
        state, verifier = new_state(), new_verifier()
        await self.pending.put(
            state, PendingSignIn(account=account, verifier=verifier, redirect_uri=self.config.redirect_uri)
        )
        return authorize_url(
            accounts_url=self.config.accounts_url,
            client_id=self.config.client_id,
            redirect_uri=self.config.redirect_uri,
            state=state,
            verifier=verifier,
        )

    async def finish_sign_in(
        self, *, account: str, new_account: str, state: str | None, code: str | None, error: str | None
    ) -> SpotifyTokens:
        """Check the callback against the pending sign-in, trade the code, keep the tokens under `new_account`."""
        pending = await self.pending.take(state) if state else None
        if error:
            raise InvalidSignIn(f"Spotify did not sign you in ({error[:100]}); nothing was stored")
        if pending is None:
            raise InvalidSignIn("the sign-in state is unknown, expired or already used; start the sign-in again")
        if pending.account != account:
            raise InvalidSignIn("this sign-in was started in another browser session; start it again here")
        if not code:
            raise InvalidSignIn("the callback carries no authorization code; start the sign-in again")
        grant = await self.accounts.exchange_code(
            code=code, verifier=pending.verifier, redirect_uri=pending.redirect_uri
        )
        if not isinstance(grant.get("refresh_token"), str):
            raise SpotifyFailed("Spotify's token answer has no refresh token")
        # Tokens not yet kept: a 401 here has nothing to refresh, it asks for a new sign-in.
        profile = await self._translated(str(grant["access_token"]), self.api.me, refresh=None)
        tokens = SpotifyTokens(
            access_token=str(grant["access_token"]),
            refresh_token=str(grant["refresh_token"]),
            expires_at=grant.expires_at,
            scope=str(grant.get("scope", "")),
            user_id=str(profile.get("id", "")),
            display_name=profile.get("display_name"),
        )
        if not tokens.user_id:
            raise SpotifyFailed("Spotify's /me answer has no user id")
        await self.vault.put(new_account, tokens)
        if account != new_account:
            # The session that began the sign-in is replaced by the new one (its id is never used again): when it was
            # signed in already (signing in again), its tokens must not outlive it. The user's profile stays.
            await self._forget(account)
        log.info("spotify.signed_in", extra={"spotify_user": tokens.user_id})
        return tokens

    async def sign_out(self, account: str) -> SpotifyTokens | None:
        """Forget the session's tokens; who was signed in (None when nobody)."""
        tokens = await self._forget(account)
        if tokens is not None:
            log.info("spotify.signed_out", extra={"spotify_user": tokens.user_id})
        return tokens

    async def _forget(self, account: str) -> SpotifyTokens | None:
        # Under the session's refresh lock: a refresh already under way writes its tokens first and they are deleted
        # here; one that comes later finds none and asks for a sign-in (_refresh) instead of writing them back.
        async with self._lock(account):
            tokens = await self.vault.get(account)
            await self.vault.delete(account)
            return tokens

    async def signed_in(self, account: str) -> SpotifyTokens:
        """The session's tokens, or SpotifySignInRequired."""
        tokens = await self.vault.get(account)
        if tokens is None:
            raise SpotifySignInRequired("sign in with Spotify first (GET /v1/auth/login)")
        return tokens

    # --- calls --------------------------------------------------------------------------------------------------
    async def call(self, account: str, func: Callable[[str], T]) -> T:
        """func(access_token) as the session's user, with refresh and rate-limit handling."""
        tokens = await self.signed_in(account)
        if tokens.expires_within(REFRESH_MARGIN_S):
            tokens = await self._refresh(account, tokens)

        async def refreshed() -> str:
            return (await self._refresh(account, tokens)).access_token

        try:
            return await self._translated(tokens.access_token, func, refresh=refreshed)
        except SpotifySignInRequired:
            await self.vault.delete(account)  # refused even when fresh: the session must sign in again
            raise

    async def _translated(
        self, token: str, func: Callable[[str], T], *, refresh: Callable[[], Awaitable[str]] | None
    ) -> T:
        """func(token) with Spotify's refusals answered in one place: a 429 waited out within the bound, else
        SpotifyRateLimited with its Retry-After; a 401 answered by one `refresh` (a new access token), else (or with
        no refresh) SpotifySignInRequired."""
        waited, limited_times = 0, 0
        while True:
            try:
                return await self._run(func, token)
            except AccessTokenRejected:
                if refresh is None:
                    raise SpotifySignInRequired("Spotify refused the session's tokens; sign in again") from None
                token, refresh = await refresh(), None
            except RateLimited as limited:
                limited_times += 1
                if waited + limited.retry_after > self.config.max_retry_after_s or limited_times > _MAX_429_WAITS:
                    raise SpotifyRateLimited(
                        f"Spotify is rate limiting this app; try again in {limited.retry_after} s",
                        retry_after=limited.retry_after,
                    ) from None
                log.info("spotify.rate_limited", extra={"retry_after_s": limited.retry_after})
                waited += limited.retry_after
                await asyncio.sleep(limited.retry_after)

    async def _refresh(self, account: str, stale: SpotifyTokens) -> SpotifyTokens:
        async with self._lock(account):
            current = await self.vault.get(account)
            if current is None:
                # Signed out (or the session replaced) since this request read them: refreshing would sign it in again.
                raise SpotifySignInRequired("this session signed out of Spotify; sign in again")
            if current.access_token != stale.access_token:
                return current  # another request refreshed while this one waited
            try:
                grant: TokenGrant = await self.accounts.refresh(stale.refresh_token)
            except SpotifySignInRequired:
                await self.vault.delete(account)
                raise
            fresh = stale.model_copy(
                update={
                    "access_token": str(grant["access_token"]),
                    # Spotify may rotate the refresh token; the old one is then dead.
                    "refresh_token": str(grant.get("refresh_token") or stale.refresh_token),
                    "expires_at": grant.expires_at,
                }
            )
            await self.vault.put(account, fresh)
            log.info("spotify.tokens_refreshed", extra={"spotify_user": fresh.user_id})
            return fresh

    async def _run(self, func: Callable[[str], T], token: str) -> T:
        loop = asyncio.get_running_loop()
        # spotipy's own timeout bounds each HTTP call; this bounds the whole call (a slow pool, DNS ...).
        bound = self.config.timeout_s + 2.0
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._pool, func, token), timeout=bound)
        except TimeoutError:
            raise SpotifyTimeout(f"Spotify did not answer within {bound:g} s") from None
