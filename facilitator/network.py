"""Which address phones on the same network reach this computer at.

A server listening on all interfaces (0.0.0.0) must not put 127.0.0.1 into its links and QR
codes: a phone that scans it would open itself. The addresses are read from the computer's
own network interfaces (no packet is sent anywhere), so this also works in a town hall with a
laptop and a Wi-Fi router and no internet.
"""

from __future__ import annotations

import fcntl
import ipaddress
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

WILDCARDS = frozenset({"0.0.0.0", "::", ""})
SIOCGIFADDR = 0x8915  # Linux: the IPv4 address of an interface
# Interfaces of containers and virtual machines on this computer, not of the room's network.
_VIRTUAL = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "tun", "tap", "lxc", "cni",
            "flannel", "podman")
# Wireless first, then wired: a workshop laptop is usually on the room's Wi-Fi.
_PREFERENCE = ("wl", "en", "eth")


@dataclass(frozen=True)
class Interface:
    name: str
    address: str

    @property
    def rank(self) -> tuple[int, str]:
        first = next((i for i, p in enumerate(_PREFERENCE) if self.name.startswith(p)),
                     len(_PREFERENCE))
        return (first, self.name)


def _ipv4(name: str) -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            packed = fcntl.ioctl(sock.fileno(), SIOCGIFADDR,
                                 struct.pack("256s", name.encode()[:15]))
        except OSError:  # no IPv4 address on this interface
            return None
    return socket.inet_ntoa(packed[20:24])


def interfaces(read: Callable[[str], str | None] = _ipv4) -> list[Interface]:
    """The interfaces with an address phones could reach, best first: no loopback, no
    link-local address (169.254.x.x: no router gave one), no container bridges."""
    found = []
    for _, name in socket.if_nameindex():
        if name == "lo" or name.startswith(_VIRTUAL):
            continue
        address = read(name)
        if address is None:
            continue
        ip = ipaddress.IPv4Address(address)
        if ip.is_loopback or ip.is_link_local or ip.is_unspecified:
            continue
        found.append(Interface(name, address))
    return sorted(found, key=lambda i: i.rank)


@cache
def lan_interface() -> Interface | None:
    """The interface whose address goes into links and QR codes, if any."""
    try:
        found = interfaces()
    except OSError:  # not Linux, or no permission: the caller falls back to loopback
        return None
    return found[0] if found else None


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
