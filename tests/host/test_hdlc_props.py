"""Property tests of the HDLC link engines over a faulty line (CPython only: hypothesis).

Any information field length, any windows on either side, any APDU sizes
both ways, and a line that drops, corrupts, duplicates frames and puts
garbage between them at random: every request and every answer arrives
once, whole and in order, no engine raises, and a fault never costs the
link while the tries last.  The in-memory line is the one of
tests/portable/test_hdlc_pipe.py.
"""

import random

from hypothesis import HealthCheck, given, settings, strategies as st

from microcosem.profiles.hdlc import ERROR, HdlcClient, HdlcServer
from test_hdlc_pipe import Line

_JUNK = (b"\x00", b"\x7e", b"\x7e\xa0", b"\x7e\x7e", b"\xff\x7e\xa8\x10", b"\x13\x37")


def _faulty(rng, p_drop, p_flip, p_dup, p_junk):
    def hook(_index, frame):
        r = rng.random()
        if r < p_drop:
            return b""
        if r < p_drop + p_flip:
            b = bytearray(frame)
            i = rng.randrange(1, len(b) - 1)
            b[i] ^= 1 << rng.randrange(8)
            return bytes(b)
        if r < p_drop + p_flip + p_dup:
            return frame + frame
        if r < p_drop + p_flip + p_dup + p_junk:
            return rng.choice(_JUNK) + frame
        return frame
    return hook


faults = st.floats(0.0, 0.08)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(client_info=st.integers(16, 600), server_info=st.integers(16, 600),
       cw=st.integers(1, 7), sw=st.integers(1, 7),
       sizes=st.lists(st.tuples(st.integers(2, 1500), st.integers(1, 1500)), min_size=1, max_size=3),
       seed=st.integers(0, 2**32 - 1), drop=faults, flip=faults, dup=faults, junk=faults)
def test_every_apdu_arrives_once_in_order(client_info, server_info, cw, sw, sizes, seed,
                                          drop, flip, dup, junk):
    rng = random.Random(seed)
    c = HdlcClient(max_info_tx=client_info, max_info_rx=client_info, window_tx=cw, window_rx=cw,
                   timeout_ms=300, retries=12)
    s = HdlcServer(max_info_tx=server_info, max_info_rx=server_info, window_tx=sw, window_rx=sw)
    line = Line(c, s, c2s=_faulty(rng, drop, flip, dup, junk), s2c=_faulty(rng, drop, flip, dup, junk))
    line.connect()
    for n, answer in sizes:
        line.exchange(n, answer)     # checks both APDUs, whole and once
    assert not [e for e in line.cev + line.sev if e[0] == ERROR]
    assert c.max_info_tx == min(client_info, server_info)
    assert c.window_tx == min(cw, sw) and c.window_rx == min(cw, sw)
    line.disconnect()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.integers(1, 40))
def test_engines_take_any_bytes(noise, chunk):
    # Whatever arrives, in whatever pieces: no exception, and a client that
    # was never connected reports nothing but pushes it could decode.
    for link in (HdlcClient(), HdlcServer(), HdlcServer(physical_address=0x11)):
        for i in range(0, len(noise), chunk):
            link.feed(noise[i:i + chunk], i)
            link.tick(i + 1)
        link.data_to_send()
        link.tick(10 ** 6)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 255), st.sampled_from([b"\x03", b"\x02\x23", b"\xfe\xff", b"\x05"]),
                          st.sampled_from([b"\x21", b"\x03", b"\x7f"]),
                          st.one_of(st.none(), st.binary(max_size=200)), st.booleans()),
                max_size=12))
def test_server_takes_any_well_formed_frames(frames):
    # Frames that pass HCS and FCS but carry any control byte, addresses,
    # information and S bit, after a real SNRM: the server answers or stays
    # silent, and never raises.
    from microcosem.profiles.hdlc_frame import encode_frame
    s = HdlcServer(max_info_tx=64, max_info_rx=64, window_tx=3, window_rx=3)
    s.feed(bytes.fromhex("7EA0070321930F017E"))
    for control, dst, src, info, seg in frames:
        out = bytearray()
        encode_frame(out, control, dst, src, info, segmented=seg)
        s.feed(bytes(out))
        e = s.next_event()
        while e is not None:
            if e[0] == 2 and s.connected:  # APDU: answer it
                s.send_apdu(b"\xc4\x01\xc1\x00\x00")
            e = s.next_event()
        s.data_to_send()
        s.tick(len(out))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 255), st.one_of(st.none(), st.binary(max_size=200)),
                          st.booleans(), st.integers(0, 400)),
                max_size=12))
def test_client_takes_any_well_formed_frames(frames):
    # The same from the server's side: any control byte, information and S
    # bit, at any time; the client reports, retries or gives up, never raises.
    from microcosem.profiles.hdlc_frame import encode_frame
    c = HdlcClient(max_info_tx=64, max_info_rx=64, window_tx=3, window_rx=3, timeout_ms=100)
    c.connect()
    c.data_to_send()
    c.feed(bytes.fromhex("7EA0202103737398818014050202000602020007040000000108040000000"
                         "16FEF7E"))
    t = 0
    for control, info, seg, dt in frames:
        out = bytearray()
        encode_frame(out, control, b"\x21", b"\x03", info, segmented=seg)
        c.feed(bytes(out), t)
        e = c.next_event()
        while e is not None:
            e = c.next_event()
        if c.connected and control & 1:
            c.send_apdu(b"\xc0\x01\xc1\x00\x08\x00\x00\x01\x00\x00\xff\x02\x00")
        c.data_to_send()
        t += dt
        c.tick(t)
