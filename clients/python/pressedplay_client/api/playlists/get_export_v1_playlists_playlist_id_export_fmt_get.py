from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.get_export_v1_playlists_playlist_id_export_fmt_get_fmt import (
    GetExportV1PlaylistsPlaylistIdExportFmtGetFmt,
)
from typing import cast


def _get_kwargs(
    playlist_id: str,
    fmt: GetExportV1PlaylistsPlaylistIdExportFmtGetFmt,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/playlists/{playlist_id}/export.{fmt}".format(
            playlist_id=quote(str(playlist_id), safe=""),
            fmt=quote(str(fmt), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    playlist_id: str,
    fmt: GetExportV1PlaylistsPlaylistIdExportFmtGetFmt,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorEnvelope]:
    """A playlist as a JSON, M3U8 or CSV file

    Args:
        playlist_id (str):
        fmt (GetExportV1PlaylistsPlaylistIdExportFmtGetFmt):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        playlist_id=playlist_id,
        fmt=fmt,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    playlist_id: str,
    fmt: GetExportV1PlaylistsPlaylistIdExportFmtGetFmt,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorEnvelope | None:
    """A playlist as a JSON, M3U8 or CSV file

    Args:
        playlist_id (str):
        fmt (GetExportV1PlaylistsPlaylistIdExportFmtGetFmt):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        playlist_id=playlist_id,
        fmt=fmt,
        client=client,
    ).parsed


async def asyncio_detailed(
    playlist_id: str,
    fmt: GetExportV1PlaylistsPlaylistIdExportFmtGetFmt,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorEnvelope]:
    """A playlist as a JSON, M3U8 or CSV file

    Args:
        playlist_id (str):
        fmt (GetExportV1PlaylistsPlaylistIdExportFmtGetFmt):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        playlist_id=playlist_id,
        fmt=fmt,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    playlist_id: str,
    fmt: GetExportV1PlaylistsPlaylistIdExportFmtGetFmt,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorEnvelope | None:
    """A playlist as a JSON, M3U8 or CSV file

    Args:
        playlist_id (str):
        fmt (GetExportV1PlaylistsPlaylistIdExportFmtGetFmt):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            playlist_id=playlist_id,
            fmt=fmt,
            client=client,
        )
    ).parsed
