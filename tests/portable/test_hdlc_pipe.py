# heapsize: 144k
# (128k + 16k: with 128k it had under 8k to spare, `tools/mptest.py --margin 8k`;
#  a heap laid out a little otherwise, as on a fresh clone, could tip it)
# 128k, not 64k: hdlc and its codecs are ~33 KB of the 64-bit unix port's heap
# as loaded code and this module ~17 KB; then 3000-byte APDUs travel both ways,
# each held by its sender until acknowledged, by its receiver while
# reassembled, and by the line as frames: blocks of 3-4 KB in a heap the
# line's garbage fragments.  120k is the least that passes; 128k leaves room.
"""HDLC client and server engines talking through an in-memory line.

APDUs of 10, 300 and 3000 bytes both ways, small information fields (so
that they are segmented), windows 1 and 7, information fields over 255
bytes; and the faults a real line has: frames dropped, bits flipped, frames
duplicated, the optical head's echo, garbage between frames, a stalled peer,
a slow server application, an idle client.
"""

from binascii import crc32

from checks import skip
from hdlc_check import events as _drain

from microcosem.profiles.hdlc import (
    APDU, CONNECTED, DISCONNECTED, ERROR, HdlcClient, HdlcServer)
from microcosem.profiles.hdlc_frame import PF, RR, decode_frame


def _pattern(n, seed):
    return bytes((i * 7 + seed) & 0xFF for i in range(n))


def _request(n, answer):
    # Two bytes asking for an answer of `answer` bytes, then filler: n in all.
    return bytes((answer >> 8, answer & 0xFF)) + _pattern(n - 2, 1)


def _digest(apdu):
    return (len(apdu), crc32(apdu))


def _brief(e):
    # The tests keep every event; an APDU is kept as its length and CRC so
    # that a session's 3000-byte APDUs do not pile up in a small heap.
    if e[0] == APDU:
        return (APDU, _digest(e[1]))
    return e


class Line:
    """Both directions of a line, frame by frame, with fault hooks.

    c2s / s2c: fn(index, frame) -> bytes actually delivered (b"" drops it).
    The server application answers each request with _pattern(asked, 0x5A),
    after `delay_ms` if set.  Bytes are fed in uneven chunks."""

    def __init__(self, client, server, c2s=None, s2c=None, echo=False, delay_ms=0):
        self.c = client
        self.s = server
        self.c2s = c2s
        self.s2c = s2c
        self.echo = echo
        self.delay_ms = delay_ms
        self.t = 0
        self.nc = 0
        self.ns = 0
        self.cev = []
        self.sev = []
        self.pending = []  # (due, answer) of the slow application
        self.seed = 12345
        self.longest = 0

    def _chunks(self, data):
        i = 0
        while i < len(data):
            self.seed = (self.seed * 1103515245 + 12345) & 0x7FFFFFFF
            k = 1 + (self.seed >> 8) % 40
            yield data[i:i + k]
            i += k

    def _frames(self, data):
        pos = 0
        while pos < len(data):
            f = decode_frame(data, pos)
            if f.end + 1 - pos > self.longest:
                self.longest = f.end + 1 - pos
            yield data[pos:f.end + 1]
            pos = f.end + 1

    def _server_events(self):
        e = self.s.next_event()
        while e is not None:
            self.sev.append(_brief(e))
            if e[0] == APDU:
                asked = (e[1][0] << 8) | e[1][1]
                answer = _pattern(asked, 0x5A)
                if self.delay_ms:
                    self.pending.append((self.t + self.delay_ms, answer))
                else:
                    self.s.send_apdu(answer)
            e = self.s.next_event()
        if self.pending and self.pending[0][0] <= self.t:
            self.s.send_apdu(self.pending.pop(0)[1])

    def _client_events(self):
        e = self.c.next_event()
        while e is not None:
            self.cev.append(_brief(e))
            e = self.c.next_event()

    def step(self):
        a = self.c.data_to_send()
        b = self.s.data_to_send()
        for fr in self._frames(a):
            if self.echo:
                for part in self._chunks(fr):
                    self.c.feed(part, self.t)
            if self.c2s:
                fr = self.c2s(self.nc, fr)
            self.nc += 1
            for part in self._chunks(fr):
                self.s.feed(part, self.t)
            self._server_events()
        for fr in self._frames(b):
            if self.s2c:
                fr = self.s2c(self.ns, fr)
            self.ns += 1
            for part in self._chunks(fr):
                self.c.feed(part, self.t)
            self._client_events()
        self._server_events()
        self._client_events()
        # A busy line moves in small steps; an idle one jumps to the timers.
        self.t += 2 if (a or b) else 40
        self.c.tick(self.t)
        self.s.tick(self.t)

    def run(self, done, limit_ms=120000):
        start = self.t
        while not done():
            if self.t - start > limit_ms:
                raise AssertionError("line stuck: client %r server %r" % (self.cev[-3:], self.sev[-3:]))
            self.step()

    def client_got(self, kind):
        for e in self.cev:
            if e[0] == kind:
                return True
        return False

    def connect(self):
        self.c.connect()
        self.run(lambda: self.client_got(CONNECTED) or self.client_got(ERROR))
        assert self.c.connected, self.cev

    def exchange(self, n, answer):
        """One request of n bytes, its answer of `answer` bytes; both checked."""
        before_s = len([e for e in self.sev if e[0] == APDU])
        before_c = len([e for e in self.cev if e[0] == APDU])
        req = _request(n, answer)
        self.c.send_apdu(req)
        self.run(lambda: len([e for e in self.cev if e[0] == APDU]) > before_c
                 or self.client_got(ERROR))
        got_s = [e[1] for e in self.sev if e[0] == APDU]
        got_c = [e[1] for e in self.cev if e[0] == APDU]
        assert got_s[before_s:] == [_digest(req)], "server got %r" % (got_s[before_s:],)
        assert got_c[before_c:] == [_digest(_pattern(answer, 0x5A))], got_c[before_c:]

    def disconnect(self):
        self.c.disconnect()
        self.run(lambda: self.client_got(DISCONNECTED))
        assert [e[0] for e in self.sev][-1] == DISCONNECTED


SIZES = ((10, 10), (300, 300), (3000, 3000), (10, 3000), (3000, 10))


def _pair(max_info, window, **kw):
    c = HdlcClient(max_info_tx=max_info, max_info_rx=max_info, window_tx=window,
                   window_rx=window, timeout_ms=kw.pop("timeout_ms", 300),
                   retries=kw.pop("retries", 4), echo=kw.pop("echo", False), **kw)
    s = HdlcServer(max_info_tx=max_info, max_info_rx=max_info, window_tx=window,
                   window_rx=window)
    return c, s


def _session(line, sizes=SIZES):
    line.connect()
    for n, answer in sizes:
        line.exchange(n, answer)
    line.disconnect()
    assert not [e for e in line.cev + line.sev if e[0] == ERROR]


def test_window_1_small_frames():
    c, s = _pair(32, 1)
    line = Line(c, s)
    _session(line)
    assert (c.window_tx, s.window_tx, c.max_info_tx) == (1, 1, 32)
    assert c.retransmissions == 0 and s.retransmissions == 0
    assert c.bad_frames == 0 and s.bad_frames == 0


def test_window_7():
    c, s = _pair(48, 7)
    line = Line(c, s)
    _session(line)
    assert (c.window_tx, c.window_rx) == (7, 7)
    assert c.retransmissions == 0


def test_long_information_fields():
    # 1000-byte information fields: the 11-bit frame length is over 255.
    c, s = _pair(1000, 2)
    line = Line(c, s)
    _session(line)
    assert line.longest > 1000


def test_asymmetric_windows_and_lengths():
    c = HdlcClient(max_info_tx=64, max_info_rx=200, window_tx=7, window_rx=2, timeout_ms=300)
    s = HdlcServer(max_info_tx=128, max_info_rx=40, window_tx=7, window_rx=7)
    line = Line(c, s)
    _session(line, ((300, 3000), (3000, 300)))
    assert (c.max_info_tx, c.max_info_rx, c.window_tx, c.window_rx) == (40, 128, 7, 2)


def test_dropped_frames_recovered_by_retransmission():
    c, s = _pair(32, 3, retries=6)
    line = Line(c, s, c2s=lambda i, fr: b"" if i % 5 == 3 else fr,
                s2c=lambda i, fr: b"" if i % 7 == 4 else fr)
    _session(line)
    assert c.retransmissions > 0 and s.retransmissions > 0


def test_dropped_frames_window_1():
    c, s = _pair(64, 1, retries=6)
    line = Line(c, s, c2s=lambda i, fr: b"" if i % 4 == 2 else fr,
                s2c=lambda i, fr: b"" if i % 6 == 5 else fr)
    _session(line, ((300, 300), (10, 3000)))
    assert c.retransmissions > 0


def _flip(i, fr):
    b = bytearray(fr)
    b[1 + (i * 13) % (len(b) - 2)] ^= 1 << (i % 8)
    return bytes(b)


def test_flipped_bits_dropped_and_recovered():
    c, s = _pair(40, 4, retries=6)
    line = Line(c, s, c2s=lambda i, fr: _flip(i, fr) if i % 6 == 4 else fr,
                s2c=lambda i, fr: _flip(i, fr) if i % 5 == 2 else fr)
    _session(line)
    assert c.bad_frames > 0 and s.bad_frames > 0


def test_duplicated_frames_ignored():
    c, s = _pair(32, 3)
    line = Line(c, s, c2s=lambda i, fr: fr + fr if i % 3 == 1 else fr,
                s2c=lambda i, fr: fr + fr if i % 4 == 2 else fr)
    _session(line)


def test_echo_of_own_frames_distinct_addresses():
    c, s = _pair(64, 2)
    line = Line(c, s, echo=True)
    _session(line, ((300, 3000),))
    assert c.bad_frames == 0


def test_echo_with_equal_addresses():
    # Client SAP 1 and server 1 are both 0x03 on the wire: echo=True.
    c = HdlcClient(client_sap=1, max_info_tx=64, max_info_rx=64, window_tx=3, window_rx=3,
                   timeout_ms=300, echo=True)
    s = HdlcServer(max_info_tx=64, max_info_rx=64, window_tx=3, window_rx=3)
    line = Line(c, s, echo=True)
    _session(line, ((300, 300), (10, 3000)))
    assert c.retransmissions == 0


def test_garbage_between_frames():
    junk = (b"\x00\xff", b"\x7e", b"\x7e\xa0", b"\x7e\xa0\x10\x03\x21", b"\x7e\x7e\x7e",
            b"\x7e\xa0\x07\x03\x21\x93\x0f\x02\x7e", b"\x13\x37\x7e\xa8")
    c, s = _pair(32, 2, retries=6)
    line = Line(c, s, c2s=lambda i, fr: junk[i % len(junk)] + fr,
                s2c=lambda i, fr: fr + junk[(i + 3) % len(junk)])
    _session(line)
    assert s.bad_frames > 0 and c.bad_frames > 0


def test_stalled_server_times_out():
    c, s = _pair(64, 1, timeout_ms=500, retries=3)
    stalled = [False]
    line = Line(c, s, s2c=lambda i, fr: b"" if stalled[0] else fr)
    line.connect()
    line.exchange(10, 10)
    stalled[0] = True
    t0 = line.t
    c.send_apdu(_request(300, 10))
    line.run(lambda: line.client_got(ERROR), limit_ms=10000)
    elapsed = line.t - t0
    # Four tries of 500 ms each, plus the line's own steps.
    assert 2000 <= elapsed <= 2600, elapsed
    errors = [e[1] for e in line.cev if e[0] == ERROR]
    assert len(errors) == 1 and errors[0].reason == "timeout"
    assert line.cev[-1] == (DISCONNECTED, "error")
    assert not c.connected


def test_stalled_connect_times_out():
    c, s = _pair(64, 1, timeout_ms=200, retries=2)
    line = Line(c, s, c2s=lambda i, fr: b"")
    c.connect()
    line.run(lambda: line.client_got(ERROR), limit_ms=5000)
    assert line.cev[0][1].reason == "timeout" and len(line.cev) == 1
    assert line.nc == 3  # SNRM and two retries


def test_slow_server_application():
    # The answer comes after the client's time-out: the client sends again,
    # the server gives the poll back (RR), the client polls until it comes.
    c, s = _pair(64, 2, timeout_ms=300, retries=8)
    line = Line(c, s, delay_ms=1000)
    _session(line, ((300, 300), (10, 10)))
    assert c.retransmissions > 0


def test_server_inactivity_timeout():
    c, s = _pair(64, 1)
    line = Line(c, s)
    line.connect()
    line.exchange(10, 10)
    t0 = line.t
    line.run(lambda: line.sev[-1][0] == DISCONNECTED, limit_ms=200000)
    assert line.sev[-1] == (DISCONNECTED, "inactivity")
    assert 120000 <= line.t - t0 <= 120200
    # The client learns it at its next request: DM.
    c.send_apdu(_request(10, 10))
    line.run(lambda: line.client_got(DISCONNECTED))
    assert line.cev[-1] == (DISCONNECTED, "dm")


def test_inter_octet_timeout_discards_a_stopped_frame():
    c, s = _pair(64, 1)
    line = Line(c, s)
    line.connect()
    c.send_apdu(_request(40, 10))
    frame = c.data_to_send()
    t = line.t
    s.feed(frame[:20], t)
    s.tick(t + 10)
    s.feed(frame[20:], t + 40)       # 30 ms later: the frame was given up
    assert s.next_event() is None and s.bad_frames > 0
    s.tick(t + 80)
    s.feed(frame, t + 81)            # the retransmission arrives whole
    e = s.next_event()
    assert e is not None and e[0] == APDU and len(e[1]) == 40


def test_inter_octet_timeout_resyncs_onto_a_whole_frame():
    c, s = _pair(64, 1)
    line = Line(c, s)
    line.connect()
    c.send_apdu(_request(40, 10))
    frame = c.data_to_send()
    t = line.t
    assert len(frame) + 5 < 0x48
    # A frame start claiming 0x48 bytes, then a whole frame shorter than
    # that: the hunt waits for the claim, gives it up after the time-out
    # and finds the whole frame behind it.
    s.feed(b"\x7e\xa0\x48\x03\x21" + frame[:10], t)
    s.feed(frame[10:], t + 1)
    s.tick(t + 20)
    assert s.next_event() is None
    s.tick(t + 30)
    e = s.next_event()
    assert e is not None and e[0] == APDU and s.bad_frames == 1


def _alloc_per_frame(mem_total, max_info):
    import gc
    c, s = _pair(max_info, 7)
    line = Line(c, s)
    line.connect()
    line.exchange(7 * max_info, 10)    # buffers reach their size
    # 8 segments: the first window of 7 frames goes out, and its last one,
    # with P, is answered with RR: nothing is handed up, so both sizes do
    # the same work but for the bytes.
    c.send_apdu(_request(8 * max_info - 3, 10))
    frames = c.data_to_send()
    gc.collect()
    gc.disable()
    m0 = mem_total()
    s.feed(frames)
    m1 = mem_total()
    gc.enable()
    assert _drain(s) == [] and s.data_to_send()[-4] == RR | PF | (s.vr << 5)
    return (m1 - m0) / 7


def test_allocations_do_not_grow_with_the_frame():
    try:
        from micropython import mem_total
    except ImportError:
        skip("micropython.mem_total is on the MicroPython unix port only")
    small = _alloc_per_frame(mem_total, 32)
    large = _alloc_per_frame(mem_total, 512)
    # A per-byte object (an int over 2**30, a slice, a bytes of one) would
    # cost 16+ bytes for each of the 480 more bytes of the larger frames;
    # what a frame does cost (a few memoryviews and call states) is the same,
    # bar a slice or two more for each piece the receive buffer takes in.
    assert large - small < 128, (small, large)
    assert small < 2048, small


def test_receiver_not_ready_then_ready():
    # The server answers RNR (busy): the client sends nothing more until it
    # has polled again and heard RR.
    from microcosem.profiles.hdlc_frame import RNR, encode_frame
    c = HdlcClient(max_info_tx=32, max_info_rx=32, window_tx=2, window_rx=2, timeout_ms=300)
    s = HdlcServer(max_info_tx=32, max_info_rx=32, window_tx=2, window_rx=2)
    line = Line(c, s)
    line.connect()
    c.send_apdu(_request(100, 10))
    first = c.data_to_send()                       # frames 0 and 1, P on 1
    busy = bytearray()
    encode_frame(busy, RNR | PF | (2 << 5), b"\x21", b"\x03")
    c.feed(bytes(busy), line.t)
    assert c.data_to_send() == b""                 # busy: nothing sent
    c.tick(line.t + 1)
    c.tick(line.t + 299)
    assert c.data_to_send() == b""
    c.tick(line.t + 301)
    poll = decode_frame(c.data_to_send())
    assert (poll.kind, poll.pf, poll.nr) == (RR, True, 0)
    ready = bytearray()
    encode_frame(ready, RR | PF | (2 << 5), b"\x21", b"\x03")
    c.feed(bytes(ready), line.t + 302)
    f = decode_frame(c.data_to_send())             # the third segment, N(S)=2
    assert f.ns == 2 and len(first) > 0


def test_apdu_over_max_apdu_dropped_link_kept():
    c = HdlcClient(max_info_tx=64, max_info_rx=64, timeout_ms=300, max_apdu=1000)
    s = HdlcServer(max_info_tx=64, max_info_rx=64)
    line = Line(c, s)
    line.connect()
    c.send_apdu(_request(10, 2000))
    line.run(lambda: line.client_got(ERROR))
    errors = [e[1] for e in line.cev if e[0] == ERROR]
    assert len(errors) == 1 and errors[0].reason == "overflow" and c.connected
    line.cev = []
    line.exchange(10, 900)                          # the link goes on
    line.disconnect()


def test_disconnect_waits_for_the_poll():
    from microcosem.profiles.hdlc_frame import DISC
    c, s = _pair(32, 1)
    line = Line(c, s)
    line.connect()
    c.send_apdu(_request(300, 10))
    segment = c.data_to_send()                      # first segment out, poll given away
    c.disconnect()                                  # cannot speak now: DISC later
    assert c.data_to_send() == b"" and c.connected
    s.feed(segment, line.t)
    rr = s.data_to_send()                           # "go on": the poll comes back
    assert decode_frame(rr).kind == RR
    c.feed(rr, line.t)
    f = decode_frame(c.data_to_send())
    assert (f.kind, f.pf) == (DISC, True)           # DISC, not the next segment
    s.feed(f.buf, line.t)
    c.feed(s.data_to_send(), line.t)
    assert c.next_event() == (DISCONNECTED, "disc") and not c.connected
    assert [e for e in _drain(s)][-1] == (DISCONNECTED, "disc")
