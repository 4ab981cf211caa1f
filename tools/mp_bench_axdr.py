"""The A-XDR Data benchmark's MicroPython half (and the profile both halves share).

Builds a GET-Response-Normal APDU carrying a 1000-row load profile, the same
bytes tools/bench_axdr.py measures on CPython (it imports `build_apdu` from
here), then times or bounds the heap of one job.  Run by bench_axdr.py as

    MICROPYPATH=.frozen:firmware micropython -X heapsize=N tools/mp_bench_axdr.py JOB

    time [REPS]       per-call timings of decode / stream walk / encode (us)
    heap              retained heap growth beyond the input, sampled after gc.collect()
    headroom stream|whole [STEP]
                      least free heap a job needs once code and input are in (bisected
                      in-process: the free heap is filled with ballast but for N bytes)
    fit base|stream|whole [FILE SIZE]
                      run one job and print `fit ok`; the caller bisects
                      -X heapsize until MemoryError to find the job's peak.
                      With FILE, the input is read from it instead of built

Each output line is `key value`, for the caller to parse.
"""

import gc
import sys
from binascii import crc32


def load_apdu(path, size):
    """The same bytes, read from a file into one preallocated bytearray.

    For the heap bisection: done before the imports, so the input is one
    block at the bottom of the heap and its allocation does not wait on a
    fragmented heap; building it would churn the heap as much as a walk does.
    """
    buf = bytearray(size)
    with open(path, "rb") as f:
        f.readinto(buf)
    return buf


_PRELOADED = None
if len(sys.argv) > 4 and sys.argv[1] == "fit":
    _PRELOADED = load_apdu(sys.argv[3], int(sys.argv[4]))

from microcosem.axdr import (DOUBLE_LONG_UNSIGNED, LONG_UNSIGNED, OCTET_STRING, STRUCTURE,
                             ArrayReader, decode_data, encode, encode_data, encode_length)
from microcosem.cosemdate import DateTime

ROWS = 1000
# GET-Response-Normal (0xC4), invoke-id-and-priority 0xC1, result CHOICE data (0)
APDU_HEADER = b"\xc4\x01\xc1\x00"
DATA_POS = 4
START = 1704067200  # 2024-01-01 00:00 UTC
PERIOD = 900  # a 15-minute load profile


def profile_row(i):
    """Row i: clock as octet-string(12), an active-energy counter, a status word.

    Profile buffers carry the clock as octet-string(12), not as date-time
    (Blue Book 4.1.6.1); deviation -60 is CET, status 0 a clock that is fine.
    """
    stamp = DateTime.from_timestamp(START + i * PERIOD, -60, 0).to_bytes()
    energy = 12000000 + 250 * i + (i * i * 37) % 200  # Wh, strictly increasing
    status = 0x0008 if i % 97 == 13 else 0
    return (STRUCTURE, [(OCTET_STRING, stamp), (DOUBLE_LONG_UNSIGNED, energy),
                        (LONG_UNSIGNED, status)])


def profile_value(rows=ROWS):
    """The whole buffer as one Data value (the materialised form)."""
    return (1, [profile_row(i) for i in range(rows)])


def build_apdu(rows=ROWS):
    """The APDU bytes, encoded row by row into one preallocated bytearray.

    Row by row so that building the input never holds the whole value: the
    heap bisection must see the input bytes, not the builder.
    """
    head = bytearray(APDU_HEADER)
    head.append(1)  # array
    encode_length(head, rows)
    size = len(head)
    for i in range(rows):
        size += len(encode(profile_row(i)))
    buf = bytearray(size)
    buf[0:len(head)] = head
    pos = len(head)
    for i in range(rows):
        r = encode(profile_row(i))
        buf[pos:pos + len(r)] = r
        pos += len(r)
    return buf


def touch(row):
    """Read every value of a row, as a consumer of the profile would."""
    cells = row[1]
    stamp = cells[0][1]
    return (stamp[5] * 60 + stamp[6], cells[1][1], cells[2][1])


def walk_stream(buf):
    """Each row decoded on its own with ArrayReader; returns (rows, last energy)."""
    n = 0
    energy = 0
    for row in ArrayReader(buf, DATA_POS):
        energy = touch(row)[1]
        n += 1
    return n, energy


def walk_whole(buf):
    """The whole array materialised with decode_data, then read."""
    value, end = decode_data(buf, DATA_POS)
    n = 0
    energy = 0
    for row in value[1]:
        energy = touch(row)[1]
        n += 1
    return n, energy, value


def job_time(buf, reps):
    import time
    ticks_us, ticks_diff = time.ticks_us, time.ticks_diff
    value = decode_data(buf, DATA_POS)[0]
    out = None
    best = {}
    for name in ("decode", "stream", "encode", "single_decode", "single_encode"):
        best[name] = None
    single = b"\x06\x00\xbc\x61\x4e"
    for _ in range(reps):
        t = ticks_us()
        decode_data(buf, DATA_POS)
        _best(best, "decode", ticks_diff(ticks_us(), t))
        t = ticks_us()
        walk_stream(buf)
        _best(best, "stream", ticks_diff(ticks_us(), t))
        out = bytearray()
        t = ticks_us()
        encode_data(out, value)
        _best(best, "encode", ticks_diff(ticks_us(), t))
        t = ticks_us()
        for _ in range(100):
            decode_data(single, 0)
        _best(best, "single_decode", ticks_diff(ticks_us(), t) / 100)
        one = (DOUBLE_LONG_UNSIGNED, 12345678)
        t = ticks_us()
        for _ in range(100):
            encode(one)
        _best(best, "single_encode", ticks_diff(ticks_us(), t) / 100)
    assert bytes(out) == bytes(buf[DATA_POS:])
    for name in ("decode", "stream", "encode", "single_decode", "single_encode"):
        print("us_" + name, best[name])


def _best(best, name, v):
    if best[name] is None or v < best[name]:
        best[name] = v


def job_heap(buf):
    """Retained growth beyond the input, sampled after a collection at every row."""
    gc.collect()
    base = gc.mem_alloc()
    peak = 0
    n = 0
    for row in ArrayReader(buf, DATA_POS):
        touch(row)
        n += 1
        gc.collect()
        grown = gc.mem_alloc() - base
        if grown > peak:
            peak = grown
    print("stream_rows", n)
    print("stream_retained_peak", peak)
    gc.collect()
    base = gc.mem_alloc()
    value, end = decode_data(buf, DATA_POS)
    gc.collect()
    print("whole_retained", gc.mem_alloc() - base)
    value = None


def _walk(job, buf):
    return lambda: walk_stream(buf) if job == "stream" else walk_whole(buf)


def job_headroom(buf, job, step):
    """The least free heap (after gc.collect) under which `job` still succeeds, to `step` B.

    In one process, so imports and the input are the same for every trial:
    the heap is filled with ballast but for `leave` bytes, then the job runs.
    """
    from mp_benchlib import bisect, runs_in  # here: the fit jobs' heap holds no bench helpers

    walk = _walk(job, buf)
    hi = 1 << 20
    if not runs_in(hi, walk)[0]:
        print("headroom_" + job, -1)
        return
    hi = bisect(lambda leave: runs_in(leave, walk)[0], 0, hi, step)
    print("headroom_" + job, runs_in(hi, walk)[1])


def main(argv):
    job = argv[0] if argv else "time"
    if _PRELOADED is not None:
        buf = _PRELOADED
    else:
        buf = build_apdu()
    gc.collect()
    print("input_bytes", len(buf))
    print("input_crc32", crc32(buf) & 0xFFFFFFFF)
    print("mem_alloc_base", gc.mem_alloc())
    if job == "time":
        job_time(buf, int(argv[1]) if len(argv) > 1 else 10)
    elif job == "heap":
        job_heap(buf)
    elif job == "headroom":
        job_headroom(buf, argv[1], int(argv[2]) if len(argv) > 2 else 64)
    elif job == "fit":
        what = argv[1]
        if what == "stream":
            n = walk_stream(buf)[0]
        elif what == "whole":
            n = walk_whole(buf)[0]
        else:
            n = ROWS
        assert n == ROWS
        print("fit ok")
    else:
        raise SystemExit("unknown job " + job)


if __name__ == "__main__":
    main(sys.argv[1:])
