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
