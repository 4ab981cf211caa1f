"""The application-layer benchmark's MicroPython half (and the model both halves share).

Our client and our server engine in one process, talking whole APDUs (no
profile below): a small meter model of one Register and a 1000-row load
profile (ProfileGeneric over a MemoryRing), the server's PDU 1024 bytes.
tools/bench_engine.py imports `build_server`, `new_client`, ... from here
for its CPython figures and runs this file under the MicroPython unix port as

    MICROPYPATH=.frozen:DIR micropython -X heapsize=N mp_bench_engine.py JOB [ARGS]

    time [REPS]    best-of-REPS times (us) of (a) an association, 100 GETs of the
                   register and a release (and of its AARQ/AARE and its 100 GETs
                   alone), (b) the 1000-row profile read by block
                   transfer, the client taking each block with `into=`
    heap           gc.mem_alloc() after gc.collect(): before the imports, after
                   them (the code), after the model (rows captured), and the peak
                   retained during each job, sampled after a collection at every
                   GET and at every block
    fit base|gets|profile
                   build the model and run one job (base: none) and print
                   `fit ok`; the caller bisects -X heapsize to find each peak

Each result line is `key value`, for the caller to parse.  The microcosem
imports happen inside `load()`, so that the `heap` job can weigh the code.
bench_engine.py also runs it from a ROMFS image (the code executing in
place) through a few lines given to `micropython -c` that call `run(argv)`.
"""

import gc
import sys

ROWS = 1000
PDU = 1024
CLIENT_SAP = 16
GETS = 100
REGISTER_LN = b"\x01\x00\x01\x08\x00\xff"     # 1.0.1.8.0.255 active energy import +A
REGISTER_VALUE = 12345678
PROFILE_LN = b"\x01\x00\x63\x01\x00\xff"      # 1.0.99.1.0.255 load profile
START = 1704067200                          # 2024-01-01 00:00 UTC
PERIOD = 900                                # a 15-minute load profile
ROW_SIZE = 24                               # octet-string(12) + u32 + u16, with their tags


def load():
    """Import what a meter with a client on board loads: the engines and two classes."""
    from microcosem import client, axdr  # noqa: F401
    from microcosem.cosem import profile, register  # noqa: F401
    from microcosem.server import config, engine, model  # noqa: F401
    from microcosem import cosemdate  # noqa: F401


def build_server(rows=ROWS):
    """The Server over a model of one Register and a `rows`-row load profile.

    The profile's columns are a capture-time Data object holding the clock as
    octet-string(12) (as profile buffers carry it, Blue Book 4.1.6.1; a Data
    object rather than a Clock keeps the loaded code to what the bench
    needs), the register's value and a status word.  Rows are captured here,
    `rows` times, as a meter that has run for `rows` quarter hours.
    """
    from microcosem.axdr import DOUBLE_LONG_UNSIGNED, LONG_UNSIGNED, OCTET_STRING
    from microcosem.cosem.base import scaler_unit
    from microcosem.cosem.profile import ProfileGeneric
    from microcosem.cosem.register import UNIT_WH, Data, Register
    from microcosem.cosemdate import DateTime
    from microcosem.server.config import AssociationConfig
    from microcosem.server.engine import Server
    from microcosem.server.model import ObjectModel

    energy = Register(REGISTER_LN, value=(DOUBLE_LONG_UNSIGNED, REGISTER_VALUE),
                      scaler_unit=scaler_unit(0, UNIT_WH))
    stamp = Data("0.0.1.0.0.255", value=(OCTET_STRING, bytes(12)))
    status = Data("0.0.96.10.1.255", value=(LONG_UNSIGNED, 0))
    lp = ProfileGeneric(PROFILE_LN, capture_objects=((stamp, 2, 0), (energy, 2, 0), (status, 2, 0)),
                        capture_period=(DOUBLE_LONG_UNSIGNED, PERIOD), profile_entries=rows,
                        row_size=ROW_SIZE)
    for i in range(rows):
        stamp.value = (OCTET_STRING, DateTime.from_timestamp(START + i * PERIOD, -60, 0).to_bytes())
        energy.value = (DOUBLE_LONG_UNSIGNED, 12000000 + 250 * i + (i * i * 37) % 200)
        status.value = (LONG_UNSIGNED, 0x0008 if i % 97 == 13 else 0)
        lp.capture()
    energy.value = (DOUBLE_LONG_UNSIGNED, REGISTER_VALUE)
    return Server(ObjectModel((energy, stamp, status, lp)), (AssociationConfig(CLIENT_SAP, max_pdu=PDU),))


def new_client():
    from microcosem.client import Client, ClientSettings

    return Client(ClientSettings(client_sap=CLIENT_SAP, max_receive_pdu=PDU))


def associate(client, server):
    done, resp = client.feed(server.handle(client.associate(), CLIENT_SAP))
    assert done and client.associated
    return resp


def release(client, server):
    done, _ = client.feed(server.handle(client.release_request(), CLIENT_SAP))
    assert done and not client.associated


def get_round(client, server):
    """One GET of the register's value: the client builds, the server answers, the client decodes."""
    done, value = client.feed(server.handle(client.get_request(3, REGISTER_LN, 2), CLIENT_SAP))
    return value


def read_profile(client, server, into=None):
    """The whole buffer by block transfer; `into` takes each raw block (result: the byte count)."""
    out = client.get_request(7, PROFILE_LN, 2, into=into)
    blocks = 0
    while True:
        reply = server.handle(out, CLIENT_SAP)
        blocks += 1
        done, out = client.feed(reply)
        if done:
            return out, blocks


class Crc:
    """An `into` for the profile: what a concentrator forwarding the blocks keeps (a CRC, a count)."""

    def __init__(self):
        from binascii import crc32

        self._crc32 = crc32
        self.crc = 0
        self.n = 0

    def __call__(self, raw):
        self.crc = self._crc32(raw, self.crc)
        self.n += len(raw)


def job_gets(client, server, probe=None, lap=None):
    """Association, GETS GETs, release; lap() (if given) after the AARQ/AARE and after the GETs."""
    associate(client, server)
    if lap is not None:
        lap()
    for _ in range(GETS):
        v = get_round(client, server)
        if probe is not None:
            probe()
    if lap is not None:
        lap()
    assert v == (6, REGISTER_VALUE), v
    release(client, server)


def job_profile(client, server, into):
    associate(client, server)
    n, blocks = read_profile(client, server, into)
    release(client, server)
    assert n == into.n
    return n, blocks


def _ticks():
    import time
    return time.ticks_us, time.ticks_diff


def job_time(reps):
    ticks_us, ticks_diff = _ticks()
    load()
    server = build_server()
    client = new_client()
    best = {"gets": None, "assoc": None, "get100": None}
    best_profile = None
    crc = None

    def keep(name, dt):
        if best[name] is None or dt < best[name]:
            best[name] = dt

    for _ in range(reps):
        laps = []

        def lap():
            laps.append(ticks_us())
        t = ticks_us()
        job_gets(client, server, lap=lap)
        t_end = ticks_us()
        keep("gets", ticks_diff(t_end, t))
        keep("assoc", ticks_diff(laps[0], t))
        keep("get100", ticks_diff(laps[1], laps[0]))
        into = Crc()
        gc.collect()
        t = ticks_us()
        n, blocks = job_profile(client, server, into)
        dt = ticks_diff(ticks_us(), t)
        if best_profile is None or dt < best_profile:
            best_profile = dt
        crc = into.crc
    # the halves of a GET round, as bench_engine times them on CPython
    associate(client, server)
    request = client.get_request(3, REGISTER_LN, 2)
    answer = server.handle(request, CLIENT_SAP)
    assert client.feed(answer) == (True, (6, REGISTER_VALUE))
    for _ in range(reps):
        t = ticks_us()
        for _ in range(GETS):
            server.handle(request, CLIENT_SAP)
        keep_half = ticks_diff(ticks_us(), t)
        if best.get("server") is None or keep_half < best["server"]:
            best["server"] = keep_half
        t = ticks_us()
        for _ in range(GETS):
            client.get_request(3, REGISTER_LN, 2)
            client.feed(answer)
        keep_half = ticks_diff(ticks_us(), t)
        if best.get("client") is None or keep_half < best["client"]:
            best["client"] = keep_half
    release(client, server)
    print("us_server_get100", best["server"])
    print("us_client_get100", best["client"])
    print("us_gets", best["gets"])
    print("us_assoc", best["assoc"])
    print("us_get100", best["get100"])
    print("us_profile", best_profile)
    print("profile_bytes", n)
    print("profile_blocks", blocks)
    print("profile_crc32", crc & 0xFFFFFFFF)


def job_heap():
    gc.collect()
    m0 = gc.mem_alloc()
    load()
    gc.collect()
    m1 = gc.mem_alloc()
    server = build_server()
    client = new_client()
    gc.collect()
    m2 = gc.mem_alloc()
    print("heap_start", m0)
    print("heap_code", m1 - m0)
    print("heap_model", m2 - m1)
    job_gets(client, server)  # once: lazy imports, interned names, the association's state
    job_profile(client, server, Crc())
    for name in ("gets", "profile"):
        gc.collect()
        base = gc.mem_alloc()
        peak = [0]

        def probe(*_):
            gc.collect()
            grown = gc.mem_alloc() - base
            if grown > peak[0]:
                peak[0] = grown

        if name == "gets":
            job_gets(client, server, probe)
        else:
            job_profile(client, server, _Counting(Crc(), probe))
        gc.collect()
        print("retained_peak_" + name, peak[0])
        print("left_behind_" + name, gc.mem_alloc() - base)


class _Counting:
    """An `into` that samples the heap at every block and passes the block on."""

    def __init__(self, inner, probe):
        self.inner = inner
        self.probe = probe
        self.n = 0

    def __call__(self, raw):
        self.inner(raw)
        self.n = self.inner.n
        self.probe()


def job_fit(what):
    load()
    server = build_server()
    client = new_client()
    if what == "gets":
        job_gets(client, server)
    elif what == "profile":
        n, blocks = job_profile(client, server, Crc())
        assert n > ROWS * ROW_SIZE
    elif what != "base":
        raise SystemExit("unknown fit job " + what)
    print("fit ok")


def run(argv):
    job = argv[0] if argv else "time"
    if job == "time":
        job_time(int(argv[1]) if len(argv) > 1 else 5)
    elif job == "heap":
        job_heap()
    elif job == "fit":
        job_fit(argv[1])
    else:
        raise SystemExit("unknown job " + job)


if __name__ == "__main__":
    run(sys.argv[1:])
