from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.feedback_in import FeedbackIn
from ...models.feedback_out import FeedbackOut
from ...types import UNSET, Unset
from typing import cast


def _get_kwargs(
    playlist_id: str,
    *,
    body: FeedbackIn,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/playlists/{playlist_id}/feedback".format(
            playlist_id=quote(str(playlist_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | FeedbackOut | None:
    if response.status_code == 200:
        response_200 = FeedbackOut.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = FeedbackOut.from_dict(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = FeedbackOut.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 502:
        response_502 = ErrorEnvelope.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = ErrorEnvelope.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | FeedbackOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    playlist_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: FeedbackIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorEnvelope | FeedbackOut]:
    """Like (1) or dislike (-1) a playlist; rating again replaces the earlier rating

    Args:
        playlist_id (str):
        idempotency_key (None | str | Unset): Retry with the same key: no-op.
        body (FeedbackIn): A like or a dislike.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | FeedbackOut]
    """

    kwargs = _get_kwargs(
        playlist_id=playlist_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    playlist_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: FeedbackIn,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorEnvelope | FeedbackOut | None:
    """Like (1) or dislike (-1) a playlist; rating again replaces the earlier rating

    Args:
        playlist_id (str):
        idempotency_key (None | str | Unset): Retry with the same key: no-op.
        body (FeedbackIn): A like or a dislike.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | FeedbackOut
    """

    return sync_detailed(
        playlist_id=playlist_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    playlist_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: FeedbackIn,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorEnvelope | FeedbackOut]:
    """Like (1) or dislike (-1) a playlist; rating again replaces the earlier rating

    Args:
        playlist_id (str):
        idempotency_key (None | str | Unset): Retry with the same key: no-op.
        body (FeedbackIn): A like or a dislike.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | FeedbackOut]
    """

    kwargs = _get_kwargs(
        playlist_id=playlist_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    playlist_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: FeedbackIn,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorEnvelope | FeedbackOut | None:
    """Like (1) or dislike (-1) a playlist; rating again replaces the earlier rating

    Args:
        playlist_id (str):
        idempotency_key (None | str | Unset): Retry with the same key: no-op.
        body (FeedbackIn): A like or a dislike.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | FeedbackOut
    """

    return (
        await asyncio_detailed(
            playlist_id=playlist_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
