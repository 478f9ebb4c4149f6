"""Which addresses a webhook may reach: public ones, also when an IPv6 address wraps an IPv4 one.

Python's ``is_global`` judges an IPv6 address as written, so ``::127.0.0.1``
(IPv4-compatible), ``64:ff9b::7f00:1`` (NAT64) and ``2002:7f00:1::`` (6to4) are
"global" to it, although each is a way of reaching 127.0.0.1 through the kernel
or a translator. An address is public here only when it is global itself *and*
every IPv4 address it carries is too:

- IPv4-mapped ``::ffff:a.b.c.d`` and IPv4-translated ``::ffff:0:a.b.c.d`` (RFC 4291, 2765);
- IPv4-compatible ``::a.b.c.d`` (deprecated by RFC 4291 section 2.5.5.1);
- NAT64 well-known prefix ``64:ff9b::/96``, the IPv4 address in the last 32 bits (RFC 6052);
- 6to4 ``2002:a.b.c.d::/48`` (RFC 3056);
- Teredo ``2001::/32``: both the server and the (obfuscated) client address (RFC 4380).

The local-use NAT64 prefix ``64:ff9b:1::/48`` (RFC 8215) is refused whole: an
operator picks where inside it the IPv4 address sits, so it cannot be found, and
IANA lists the prefix as not globally reachable.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

_NAT64 = ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ip_network("::/96")
_IPV4_TRANSLATED = ip_network("::ffff:0:0:0/96")
_LOW_32_BITS = 0xFFFFFFFF


def is_public(address: str | IPv4Address | IPv6Address) -> bool:
    """Tell whether ``address`` (an IP, maybe with an IPv6 ``%zone``) reaches only the Internet.

    False for loopback, private, link-local, shared, reserved, multicast and
    unspecified addresses, and for an IPv6 address carrying any of these as IPv4.
    """
    ip = ip_address(address.split("%", 1)[0]) if isinstance(address, str) else address
    if not _global(ip):
        return False
    if isinstance(ip, IPv4Address):
        return True
    if ip in _LOCAL_NAT64:
        return False
    return all(_global(inner) for inner in embedded_ipv4(ip))


def embedded_ipv4(ip: IPv6Address) -> list[IPv4Address]:
    """Return the IPv4 addresses an IPv6 address carries (none for a plain IPv6 address)."""
    low = IPv4Address(int(ip) & _LOW_32_BITS)
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip in _IPV4_TRANSLATED or ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return [low]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    return []


def _global(ip: IPv4Address | IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast
