"""The client's address behind a proxy: X-Forwarded-For, trusted only when it comes from a proxy we run.

The rate limits key on the client's address (rate_limit.py). Behind a load balancer every request's peer is the
balancer, so everyone would share one bucket. With GATEWAY_TRUSTED_PROXIES set (addresses or CIDR networks), a
request whose direct peer is one of them is attributed to the right-most X-Forwarded-For hop that is not a trusted
proxy: each proxy appends the address it saw, so that hop was written by our own outermost proxy, while anything to
its left came from the client and may be forged. A peer that is not a trusted proxy is the client, whatever its
header says. A malformed right-most untrusted hop (a broken chain) leaves the proxy's address: one shared bucket,
never a bucket the client names.

uvicorn's own proxy-header handling (trusting 127.0.0.1 by default) is off in shared/web/service.py's serve(), so this
is the one place the address is taken from a header (api/forwarded_client.py applies it to each request).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import TypeAlias

Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network
Address: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
# A head is at most GATEWAY_MAX_HEAD_BYTES (64 KB); no honest chain has more proxies than this.
MAX_HOPS = 32


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """`10.0.0.5`, `10.0.0.0/8`, `fd00::/8` -> networks; raises ValueError naming an entry that is neither."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"not an IP address or network: {entry!r}") from exc
    return tuple(networks)


def parse_hop(value: str) -> Address | None:
    """One X-Forwarded-For entry (`1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:5678`), or None."""
    value = value.strip()
    if value.startswith("["):
        value, closed, _ = value[1:].partition("]")
        if not closed:
            return None
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client as the plain IPv4 address.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted(address: Address | None, trusted: Sequence[Network]) -> bool:
    """Whether the address is one of our proxies."""
    return address is not None and any(address.version == net.version and address in net for net in trusted)


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str | None:
    """The address to attribute a request to: the peer, or behind trusted proxies the first untrusted hop from
    the right of X-Forwarded-For (all header lines joined in order)."""
    if not trusted or not forwarded_for or not is_trusted(parse_hop(peer or ""), trusted):
        return peer
    hops = [hop for line in forwarded_for for hop in line.split(",")][-MAX_HOPS:]
    client: Address | None = None
    for hop in reversed(hops):
        client = parse_hop(hop)
        if not is_trusted(client, trusted):
            break
    # Every hop a trusted proxy: the left-most is as near the client as the chain goes.
    return str(client) if client is not None else peer
