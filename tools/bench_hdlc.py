"""HDLC frame codec benchmark: ours against gurux-dlms on CPython, time and heap on MicroPython.

    python tools/bench_hdlc.py [--quick] [--no-mp]
    micropython tools/bench_hdlc.py --mp        (what the CPython run starts)

One frame with a 128-byte information field (the default maximum of
IEC 62056-46), a UI frame (control 0x13) so that Gurux, which checks
sequence numbers when it parses an I frame, takes the same frame every time:
the work, header, addresses, HCS and FCS over 128 bytes, is that of an I
frame.  Encode: build the frame from the information bytes; decode: find the
flags, parse format, addresses and control, check HCS and FCS, locate the
information field.  Both codecs' frames are checked byte for byte against
each other first.

Gurux: `GXDLMS.getHdlcFrame(settings, 0x13, GXByteBuffer)` (what
GXDLMSClient uses for every frame it sends) and `GXDLMS.getHdlcData(False,
settings, reply, GXReplyData(), None)` (what GXDLMSClient.getData runs on
each frame received), with the buffers reused where Gurux allows it.

CPython: ops/s of encode+decode, best of N runs, and the ratio (target >= 5x
gurux).  MicroPython unix port: us per encode, per decode, and heap bytes
allocated per frame (micropython.mem_total delta with the GC off); also a
whole link engine receiving a 7-frame window (HdlcServer.feed).
"""

import sys

MICROPYTHON = sys.implementation.name == "micropython"

if not MICROPYTHON:
    import os

    import benchlib  # puts firmware/ on sys.path
    from benchlib import FIRMWARE

from microcosem.profiles.hdlc_frame import HdlcFrame, decode_frame, encode_frame  # noqa: E402

INFO = bytes((i * 37 + 11) & 0xFF for i in range(128))
CLIENT = b"\x21"   # public client 0x10
SERVER = b"\x03"   # management logical device 1
UI_PF = 0x13
TARGET = 5.0


def our_frames():
    """(request frame client->server, response frame server->client)."""
    a = bytearray()
    encode_frame(a, UI_PF, SERVER, CLIENT, INFO)
    b = bytearray()
    encode_frame(b, UI_PF, CLIENT, SERVER, INFO)
    return bytes(a), bytes(b)


def our_codec():
    out = bytearray(200)
    frame = HdlcFrame()
    _, rx = our_frames()
    n = len(rx)

    def encode():
        out[:] = b""
        encode_frame(out, UI_PF, SERVER, CLIENT, INFO)

    def decode():
        decode_frame(rx, 0, n, frame)
        return frame.info_start

    return encode, decode, out, frame


# ----------------------------------------------------------------- MicroPython


def mp_main():
    import gc
    import time

    import micropython

    from microcosem.profiles.hdlc import HdlcClient, HdlcServer

    encode, decode, out, frame = our_codec()
    reps = 2000

    def per_call_us(fn):
        fn()
        t0 = time.ticks_us()
        for _ in range(reps):
            fn()
        return time.ticks_diff(time.ticks_us(), t0) / reps

    def alloc(fn):
        fn()
        gc.collect()
        gc.disable()
        m0 = micropython.mem_total()
        for _ in range(10):
            fn()
        m1 = micropython.mem_total()
        gc.enable()
        return (m1 - m0) // 10

    print("mp_encode_us %.1f" % per_call_us(encode))
    print("mp_decode_us %.1f" % per_call_us(decode))
    print("mp_encode_alloc %d" % alloc(encode))
    print("mp_decode_alloc %d" % alloc(decode))

    # A link engine receiving one window of 7 I frames (128-byte fields).
    c = HdlcClient(window_tx=7, window_rx=7)
    s = HdlcServer(window_tx=7, window_rx=7)
    c.connect()
    s.feed(c.data_to_send())
    c.feed(s.data_to_send())
    apdu = bytes(8 * 128)
    c.send_apdu(apdu)
    window = c.data_to_send()
    s.feed(window)  # the first time grows the reassembly buffer
    s.data_to_send()

    def link_window():
        # Same frames again: duplicates for the engine, so the same work
        # (decode, sequence check, RR) every time without state drifting.
        s.feed(window)
        s.data_to_send()

    print("mp_link_window_us %.1f" % (per_call_us(link_window) / 7))
    print("mp_link_frame_alloc %d" % (alloc(link_window) // 7))


# -------------------------------------------------------------------- CPython


def gurux_codec():
    from gurux_dlms import GXByteBuffer, GXDLMSClient, GXReplyData
    from gurux_dlms.GXDLMS import GXDLMS
    from gurux_dlms.enums import InterfaceType

    client = GXDLMSClient(True, 0x10, 1, interfaceType=InterfaceType.HDLC)
    settings = client.settings
    # Gurux keeps 3 bytes of its first frame for the LLC header: a larger
    # limit keeps the 128 bytes in one frame, as ours does.
    settings.hdlc.maxInfoTX = 2030
    settings.hdlc.maxInfoRX = 2030
    data = GXByteBuffer(INFO)
    _, rx = our_frames()
    reply = GXByteBuffer(rx)

    def encode():
        data.position = 0
        return GXDLMS.getHdlcFrame(settings, UI_PF, data)

    def decode():
        reply.position = 0
        return GXDLMS.getHdlcData(False, settings, reply, GXReplyData(), None)

    return encode, decode, reply


def cpython_main(argv):
    quick = "--quick" in argv
    run_time, repeats = (0.05, 3) if quick else (0.3, 5)
    tx, rx = our_frames()

    enc, dec, out, frame = our_codec()
    enc()
    assert bytes(out) == tx
    dec()
    assert bytes(frame.info()) == INFO

    genc, gdec, greply = gurux_codec()
    gframe = bytes(genc())
    assert gframe == tx, "gurux frame %s differs from ours %s" % (gframe.hex(), tx.hex())
    cf = gdec()
    assert cf == UI_PF and greply.position == frame.info_start, (cf, greply.position)

    results = {}
    for name, e, d in (("ours", enc, dec), ("gurux", genc, gdec)):
        te = benchlib.best_per_call(e, run_time, repeats)
        td = benchlib.best_per_call(d, run_time, repeats)
        results[name] = (te, td)
        print("cpython %-6s encode %9.0f ops/s  decode %9.0f ops/s  encode+decode %9.0f ops/s"
              % (name, 1 / te, 1 / td, 1 / (te + td)))
    ours = sum(results["ours"])
    gurux = sum(results["gurux"])
    ratio = gurux / ours
    print("cpython ratio ours/gurux encode %.1fx decode %.1fx encode+decode %.1fx (target >= %.0fx): %s"
          % (results["gurux"][0] / results["ours"][0], results["gurux"][1] / results["ours"][1],
             ratio, TARGET, "met" if ratio >= TARGET else "NOT met"))

    if "--no-mp" in argv:
        return 0
    if benchlib.find_tool("micropython") is None:
        print("micropython: not found, skipped")
        return 0
    # The firmware as a board runs it: compiled to .mpy (compiling hdlc.py
    # from source would take more heap than running it).
    import mptest

    mptest.compile_tree(FIRMWARE, os.path.join(mptest.BUILD, "firmware"))
    rc, out, text = benchlib.run_micropython([os.path.abspath(__file__), "--mp"], "96k",
                                             [os.path.join(mptest.BUILD, "firmware")])
    if rc:
        print(text)
        return 1
    got = benchlib.key_values(out)
    print("micropython encode %s us (%s B allocated)  decode %s us (%s B allocated) per frame"
          % (got["mp_encode_us"], got["mp_encode_alloc"], got["mp_decode_us"], got["mp_decode_alloc"]))
    print("micropython link engine: %s us and %s B allocated per received I frame"
          " (7-frame window, RR answer included)" % (got["mp_link_window_us"], got["mp_link_frame_alloc"]))
    return 0


if __name__ == "__main__":
    if "--mp" in sys.argv:
        mp_main()
    else:
        sys.exit(cpython_main(sys.argv[1:]))
