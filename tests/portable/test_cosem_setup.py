# heapsize: 136k
# (code: axdr, the server model, the cosem base, register and setup modules and, for the
# DataNotification of a push, the APDU base, common and notify modules take ~90k of the
# 64-bit unix heap; 128k ran short in test_tcp_udp_and_ipv4_setup with the tree of
# 2026-12-01 19:25, also with setup.py as it was before the Security setup methods)
"""COSEM set-up objects: SAP assignment, push setup and its push, HDLC,
TCP-UDP, IPv4, IEC local port and Security setup."""

from checks import raises
from microcosem import axdr
from microcosem.axdr import (ARRAY, BOOLEAN, DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, LONG_UNSIGNED,
                             OCTET_STRING, STRUCTURE, UNSIGNED)
from microcosem.cosem.base import sn_target
from microcosem.cosem.register import Data, Register
from microcosem.cosem.setup import (IecHdlcSetup, IecLocalPortSetup, Ipv4Setup, PushSetup, SapAssignment,
                                    SecuritySetup, TcpUdpSetup)
from microcosem.errors import AccessError
from microcosem.server.model import ObjectModel


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


def test_sap_assignment_connect_and_disconnect():
    sap = SapAssignment("0.0.41.0.0.255")
    assert sap.sap_of(b"MCS0000000000001") == 1
    sap.action(1, (STRUCTURE, [(LONG_UNSIGNED, 17), (OCTET_STRING, b"GATEWAY000000017")]), None)
    assert sap.sap_of(b"GATEWAY000000017") == 17 and len(sap.get(2, None, None)[1]) == 2
    sap.action(1, (STRUCTURE, [(LONG_UNSIGNED, 18), (OCTET_STRING, b"GATEWAY000000017")]), None)
    assert sap.sap_of(b"GATEWAY000000017") == 18 and len(sap.get(2, None, None)[1]) == 2
    sap.action(1, (STRUCTURE, [(LONG_UNSIGNED, 0), (OCTET_STRING, b"GATEWAY000000017")]), None)
    assert sap.sap_of(b"GATEWAY000000017") is None
    assert axdr.encode(sap.get(2, None, None))[:4] == b"\x01\x01\x02\x02"
    assert _code(sap.set, 2, (ARRAY, []), None) == 3
    assert _code(sap.action, 1, (LONG_UNSIGNED, 1), None) == 12


def test_push_setup_pushes_the_values_through_the_hook():
    sent = []
    clock_like = Data("0.0.1.0.0.255", value=(OCTET_STRING, b"\x07\xea" + b"\x00" * 10))
    energy = Register("1.0.1.8.0.255", value=(DOUBLE_LONG_UNSIGNED, 42))
    pair = Data("0.0.96.1.1.255", value=(STRUCTURE, [(UNSIGNED, 1), (UNSIGNED, 2)]))
    push = PushSetup("0.0.25.9.0.255", objects=((clock_like, 2, 0), (energy, 2, 0), (pair, 2, 2)),
                     on_push=lambda setup, values: sent.append((setup, values)))
    assert push.action(1, (INTEGER, 0), None) is None
    assert sent == [(push, (STRUCTURE, [clock_like.get(2, None, None), (DOUBLE_LONG_UNSIGNED, 42), (UNSIGNED, 2)]))]
    pol = push.get(2, None, None)
    assert pol[1][1] == (STRUCTURE, ((LONG_UNSIGNED, 3), (OCTET_STRING, energy.logical_name),
                                     (INTEGER, 2), (LONG_UNSIGNED, 0)))
    push.set(3, (STRUCTURE, [(ENUM, 0), (OCTET_STRING, b"10.0.0.1:4059"), (ENUM, 0)]), None)
    assert push.get(3, None, None)[1][1] == (OCTET_STRING, b"10.0.0.1:4059")
    assert _code(push.set, 3, (STRUCTURE, [(ENUM, 0)]), None) == 12

    class Ctx:
        model = ObjectModel((clock_like, energy))

    push.set(2, (ARRAY, [(STRUCTURE, [(LONG_UNSIGNED, 3), (OCTET_STRING, energy.logical_name),
                                      (INTEGER, 3), (LONG_UNSIGNED, 0)])]), Ctx())
    push.action(1, None, None)
    assert sent[-1][1] == (STRUCTURE, [energy.get(3, None, None)])
    assert _code(push.set, 2, (ARRAY, [(STRUCTURE, [(LONG_UNSIGNED, 1), (OCTET_STRING, b"\x00" * 6),
                                                    (INTEGER, 2), (LONG_UNSIGNED, 0)])]), Ctx()) == 11
    assert _code(PushSetup("0.0.25.9.0.255").action, 1, None, None) == 3
    # the APDU the push becomes: 0F, long-invoke-id, no date-time, the structure of values
    apdu = push.data_notification(7).to_bytes()
    assert apdu == b"\x0f\x00\x00\x00\x07\x00\x02\x01\x02\x02" + axdr.encode(energy.get(3, None, None))[2:]
    assert sn_target(PushSetup("0.0.25.9.0.255", short_name=0x100), 0x138) == ("m", 1)


def test_hdlc_setup_ranges_and_change_hook():
    changed = []
    h = IecHdlcSetup("0.0.22.0.0.255", on_change=lambda obj, i: changed.append(i))
    assert h.get(2, None, None) == (ENUM, 5) and h.get(5, None, None) == (LONG_UNSIGNED, 128)
    h.set(3, (UNSIGNED, 7), None)
    h.set(5, (LONG_UNSIGNED, 2030), None)
    assert changed == [3, 5]
    assert _code(h.set, 3, (UNSIGNED, 8), None) == 250
    assert _code(h.set, 5, (LONG_UNSIGNED, 31), None) == 250
    assert _code(h.set, 7, (LONG_UNSIGNED, 10), None) == 250
    assert _code(h.set, 9, (LONG_UNSIGNED, 0x3FFE), None) == 250
    assert _code(h.set, 2, (UNSIGNED, 5), None) == 12
    assert _code(h.get, 10, None, None) == 4


def test_tcp_udp_and_ipv4_setup():
    t = TcpUdpSetup("0.0.25.0.0.255")
    assert t.get(2, None, None) == (LONG_UNSIGNED, 4059)
    t.set(2, (LONG_UNSIGNED, 4061), None)
    assert _code(t.set, 4, (LONG_UNSIGNED, 39), None) == 250
    ip = Ipv4Setup("0.0.25.1.0.255")
    ip.set(3, (DOUBLE_LONG_UNSIGNED, 0xC0A80064), None)
    assert ip.get(3, None, None) == (DOUBLE_LONG_UNSIGNED, 0xC0A80064)
    ip.action(1, (DOUBLE_LONG_UNSIGNED, 0xE0000001), None)
    ip.action(1, (DOUBLE_LONG_UNSIGNED, 0xE0000002), None)
    ip.action(1, (DOUBLE_LONG_UNSIGNED, 0xE0000001), None)
    assert ip.action(3, (INTEGER, 0), None) == (LONG_UNSIGNED, 2)
    ip.action(2, (DOUBLE_LONG_UNSIGNED, 0xE0000001), None)
    assert ip.get(4, None, None) == (ARRAY, ((DOUBLE_LONG_UNSIGNED, 0xE0000002),))
    assert _code(ip.action, 2, (DOUBLE_LONG_UNSIGNED, 1), None) == 250
    for a in range(63):
        ip.action(1, (DOUBLE_LONG_UNSIGNED, a), None)
    assert _code(ip.action, 1, (DOUBLE_LONG_UNSIGNED, 99), None) == 250   # 64 at most
    assert ip.action(3, None, None) == (LONG_UNSIGNED, 64)
    assert _code(ip.set, 8, (UNSIGNED, 1), None) == 12
    ip.set(8, (BOOLEAN, True), None)
    assert sn_target(Ipv4Setup("0.0.25.1.0.255", short_name=0x800), 0x860) == ("m", 1)


def test_iec_local_port_passwords_are_write_only():
    p = IecLocalPortSetup("0.0.20.0.0.255")
    p.set(7, (OCTET_STRING, b"00000000"), None)
    assert _code(p.get, 7, None, None) == 3
    assert p.get(4, None, None) == (ENUM, 5)
    assert _code(p.set, 3, (ENUM, 10), None) == 250


def test_security_setup_attributes():
    s = SecuritySetup("0.0.43.0.0.255", server_system_title=(OCTET_STRING, b"MCS12345"))
    assert s.get(5, None, None) == (OCTET_STRING, b"MCS12345")

    class Ctx:
        client_system_title = b"CLIENT01"

    assert s.get(4, None, Ctx()) == (OCTET_STRING, b"CLIENT01")
    assert s.get(4, None, None) == (OCTET_STRING, b"")
    assert _code(s.set, 2, (ENUM, 3), None) == 3
    seen = []
    s.on_activate = lambda setup, policy: seen.append(policy)
    s.action(1, (ENUM, 0x0C), None)                 # authenticated and encrypted requests
    assert s.get(2, None, None) == (ENUM, 0x0C) and seen == [0x0C]
    s.action(1, (ENUM, 0x3C), None)
    assert _code(s.action, 1, (ENUM, 0x04), None) == 250   # never weakened
    assert _code(s.action, 1, (UNSIGNED, 0x3C), None) == 12
    assert _code(s.action, 2, (ARRAY, []), None) == 250   # no master key: test_cosem_setup_security
    assert s.METHOD_COUNT == 8 and sn_target(SecuritySetup("0.0.43.0.0.255", short_name=0), 0x30) == ("m", 1)
