"""The first run reaches a phone: on all interfaces the links carry this computer's address
in the room's network, and the start banner says who can open them (or warns that nobody
but this computer can)."""

from __future__ import annotations

import socket

import pytest

from facilitator import cli, network
from facilitator.config import load_settings


def test_interfaces_prefer_wifi_and_skip_loopback_containers_and_link_local(
        monkeypatch: pytest.MonkeyPatch) -> None:
    names = ["lo", "docker0", "veth12", "eth0", "wlp2s0", "enp0s3", "usb0", "wlan1"]
    addresses = {"lo": "127.0.0.1", "docker0": "172.17.0.1", "veth12": "10.9.0.1",
                 "eth0": "192.168.10.5", "wlp2s0": "192.168.178.23",
                 "enp0s3": "10.0.2.15", "usb0": "169.254.3.4", "wlan1": None}
    monkeypatch.setattr(socket, "if_nameindex",
                        lambda: [(i, n) for i, n in enumerate(names, 1)])
    found = network.interfaces(read=addresses.get)
    assert [(i.name, i.address) for i in found] == [
        ("wlp2s0", "192.168.178.23"), ("enp0s3", "10.0.2.15"), ("eth0", "192.168.10.5")]


def _wifi(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "lan_interface",
                        lambda: network.Interface("wlp2s0", "192.168.178.23"))


def test_on_all_interfaces_the_links_carry_the_network_address(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _wifi(monkeypatch)
    settings = load_settings({"host": "0.0.0.0", "port": 8000}, environ={})
    assert settings.base_url == "http://192.168.178.23:8000"
    (line,) = cli.reach(settings)
    assert "all interfaces" in line and "wlp2s0 (192.168.178.23)" in line
    # A public URL (behind a proxy) always wins, and needs no word.
    behind = load_settings({"host": "0.0.0.0", "public_url": "https://ws.example.org/"},
                           environ={})
    assert behind.base_url == "https://ws.example.org" and cli.reach(behind) == []


def test_without_a_network_the_links_stay_on_this_computer_and_say_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "lan_interface", lambda: None)
    settings = load_settings({"host": "0.0.0.0", "port": 8000}, environ={})
    assert settings.base_url == "http://127.0.0.1:8000"
    assert "no network address" in cli.reach(settings)[0]


def test_a_loopback_join_link_gets_a_warning() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        (line,) = cli.reach(load_settings({"host": host}, environ={}))
        assert line.strip().startswith("Warning:") and "phones cannot open them" in line
    assert cli.reach(load_settings({"host": "192.168.178.23"}, environ={})) == []
