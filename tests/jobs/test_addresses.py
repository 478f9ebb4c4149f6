"""The webhook address rule, as properties: no IPv6 form smuggles a private IPv4 address through."""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genpic.jobs.addresses import embedded_ipv4, is_public

# Where an attacker aims: loopback, private, link-local (cloud metadata), shared, "this" net.
NON_PUBLIC_V4 = st.one_of(
    *(
        st.ip_addresses(network=network)
        for network in (
            "127.0.0.0/8",
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "169.254.0.0/16",
            "100.64.0.0/10",
            "0.0.0.0/8",
            "198.18.0.0/15",
            "224.0.0.0/4",
            "240.0.0.0/4",
        )
    )
)
BITS_16 = st.integers(0, 0xFFFF)
BITS_32 = st.integers(0, 0xFFFFFFFF)
BITS_80 = st.integers(0, 2**80 - 1)
Wrap = Callable[[IPv4Address, int], IPv6Address]


def _v6(value: int) -> IPv6Address:
    return IPv6Address(value)


# Each form puts the IPv4 address where its standard does; ``extra`` fills the free bits.
WRAPS: dict[str, tuple[Wrap, st.SearchStrategy[int]]] = {
    "mapped": (lambda v4, _: _v6(0xFFFF << 32 | int(v4)), st.just(0)),
    "translated": (lambda v4, _: _v6(0xFFFF << 48 | int(v4)), st.just(0)),
    "compatible": (lambda v4, _: _v6(int(v4)), st.just(0)),
    "nat64": (lambda v4, _: _v6(0x64FF9B << 96 | int(v4)), st.just(0)),
    "nat64-local": (lambda v4, extra: _v6(0x64FF9B0001 << 80 | extra), BITS_80),
    "6to4": (lambda v4, extra: _v6(0x2002 << 112 | int(v4) << 80 | extra), BITS_80),
    "teredo-client": (
        lambda v4, extra: _v6(0x20010000 << 96 | extra << 32 | (int(v4) ^ 0xFFFFFFFF)),
        st.integers(0, 2**64 - 1),
    ),
    "teredo-server": (lambda v4, extra: _v6(0x20010000 << 96 | int(v4) << 64 | extra), BITS_32),
}


@pytest.mark.parametrize("form", sorted(WRAPS))
@given(data=st.data(), v4=NON_PUBLIC_V4)
def test_a_non_public_ipv4_address_is_refused_in_every_ipv6_wrapping(
    form: str, data: st.DataObject, v4: IPv4Address
) -> None:
    wrap, extra = WRAPS[form]
    wrapped = wrap(v4, data.draw(extra))
    assert not is_public(v4)
    assert not is_public(wrapped), f"{wrapped} carries {v4}"
    assert not is_public(f"{wrapped}%eth0"), "a zone id changes nothing"


@pytest.mark.parametrize("form", sorted(set(WRAPS) - {"nat64-local"}))
@given(data=st.data(), v4=st.ip_addresses(v=4))
def test_a_wrapped_address_is_never_more_public_than_the_ipv4_inside(
    form: str, data: st.DataObject, v4: IPv4Address
) -> None:
    wrap, extra = WRAPS[form]
    wrapped = wrap(v4, data.draw(extra))
    assert v4 in embedded_ipv4(wrapped)
    if is_public(wrapped):
        assert is_public(v4)


@given(v4=st.ip_addresses(v=4))
def test_an_ipv4_address_is_public_exactly_when_global_and_unicast(v4: IPv4Address) -> None:
    assert is_public(v4) == (v4.is_global and not v4.is_multicast)
    assert is_public(str(v4)) == is_public(v4)


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "2a00:1450::1"]
)
def test_public_hosts_stay_reachable(address: str) -> None:
    assert is_public(address)


@pytest.mark.parametrize("address", ["::1", "::", "fe80::1%eth0", "fd00::1", "ff02::1", "::7f00:1"])
def test_ipv6_non_public_addresses(address: str) -> None:
    assert not is_public(address)
