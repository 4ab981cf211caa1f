"""The bench client (`microcosem associate/list/get/set/action/profile/clock/
listen`) against the demo meter that `microcosem serve` runs as a process:
each command on CPython, get and profile on the MicroPython runtime too,
the meters.toml profiles, and every error a user can cause as one line
naming the DLMS result and what to try."""

import io
import json
import os
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout

import pytest

from microcosem_host import cli

sys.path.insert(0, os.path.dirname(__file__))
from meter_process import BIN, MeterProcess, free_port  # noqa: E402

MANAGEMENT = ("-m", "demo-management")
EK = "000102030405060708090A0B0C0D0E0F"
AK = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"


@pytest.fixture(autouse=True)
def _state(tmp_path_factory, monkeypatch):
    # the client's invocation counters and the meters.toml of these tests, not the user's
    monkeypatch.setenv("MICROCOSEM_STATE", str(tmp_path_factory.getbasetemp() / "state"))
    monkeypatch.setenv("MICROCOSEM_METERS", str(tmp_path_factory.getbasetemp() / "none.toml"))


@pytest.fixture(scope="module")
def port():
    with MeterProcess("cpython") as p:
        yield p


@pytest.fixture(scope="module")
def mpy_port():
    with MeterProcess("micropython") as p:
        yield p


def run(*argv):
    """cli.main in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = cli.main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def ok(*argv):
    rc, out, err = run(*argv)
    assert (rc, err) == (0, ""), (rc, out, err)
    return out


def ok_json(*argv):
    return json.loads(ok(*argv, "--json"))


def fails(*argv, status=1):
    """The one stderr line of a command that must fail with `status`."""
    rc, out, err = run(*argv)
    assert rc == status, (rc, out, err)
    assert err.count("\n") == 1 and err.startswith("microcosem: "), err
    assert "Traceback" not in err and "internal error" not in err, err
    return err


# ---------------------------------------------------------------- associate


def test_associate_public_and_management(port):
    out = ok("associate", "--port", port)
    assert "accepted" in out and "logical-name" in out and "max pdu        1024" in out
    j = ok_json("associate", "--port", port)
    assert j["result"] == "accepted" and j["mechanism"] == "none"
    assert j["dlms_version"] == 6 and j["max_pdu"] == 1024
    assert {"get", "set", "action", "selective-access", "block-transfer-with-get-or-read"} \
        <= set(j["conformance"])
    j = ok_json("associate", "--port", port, *MANAGEMENT)
    assert (j["mechanism"], j["context"]) == ("high-gmac", "logical-name-with-ciphering")
    assert j["server_system_title"] == "4D4D4D0000BC614E" and j["client_sap"] == 1
    # LLS, by flags alone
    j = ok_json("associate", "--port", port, "-c", 17, "--auth", "lls", "-p", "12345678")
    assert j["mechanism"] == "low"


def test_refused_associations_name_the_diagnostic(port):
    err = fails("associate", "--port", port, "-c", 17, "--auth", "lls", "-p", "wrong")
    assert "rejected-permanent: acse-service-user: authentication-failure" in err
    assert "wrong password" in err
    err = fails("associate", "--port", port, "-c", 17)
    assert "authentication-mechanism-name-required" in err and "--auth" in err
    err = fails("associate", "--port", port, "-c", 99)
    assert "no-reason-given" in err and "client SAP" in err
    err = fails("associate", "--port", port, "-c", 1, "--auth", "lls", "-p", "00000001")
    assert "application-context-name-not-supported" in err
    err = fails("get", "1.0.1.8.0.255", "--port", port, *MANAGEMENT, "--ek", "00" * 16)
    assert "rejected-permanent" in err and "--ek" in err


def test_invocation_counter_is_kept_between_runs(port, tmp_path, monkeypatch):
    monkeypatch.setenv("MICROCOSEM_STATE", str(tmp_path))
    title = "4D4D4D00000000AA"  # a title of its own: the meter remembers each one's counter
    flags = ("--port", port, *MANAGEMENT, "--system-title", title)
    ok("associate", *flags)
    ok("associate", *flags)  # a second association with counters above the first's
    kept = tmp_path / "client-ic" / title
    assert int(kept.read_text()) > 1
    err = fails("associate", *flags, "--ic", 1)  # a counter the meter has seen
    assert "invocation counter" in err and "--ic" in err


# ---------------------------------------------------------------- list


def test_list_table_and_json(port):
    out = ok("list", "--port", port)
    lines = out.splitlines()
    assert lines[0].split() == ["CLASS", "VER", "OBIS", "ATTRIBUTES", "METHODS"]
    clock = [ln for ln in lines if "0.0.1.0.0.255" in ln][0]
    assert clock.startswith("Clock (8)") and " 1r 2r " in clock
    profile = [ln for ln in lines if "1.0.99.1.0.255" in ln][0]
    assert "2r*" in profile  # the buffer takes selective access
    j = ok_json("list", "--port", port)
    assert len(j) == int(lines[-1].split()[0]) == 23
    reg = [o for o in j if o["obis"] == "1.0.1.8.0.255"][0]
    assert (reg["class_id"], reg["class"], reg["version"]) == (3, "Register", 0)
    assert reg["attributes"][2] == {"id": 3, "name": "scaler_unit", "access": "read-only",
                                    "selectors": []}
    assert reg["methods"][0]["name"] == "reset"
    # the management association may write and run methods
    j = ok_json("list", "--port", port, *MANAGEMENT)
    disc = [o for o in j if o["obis"] == "0.0.96.3.10.255"][0]
    assert disc["methods"][0] == {"id": 1, "name": "remote_disconnect", "access": "access"}
    assert "read-and-write" in [a["access"] for a in disc["attributes"]]


# ---------------------------------------------------------------- get


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
def test_get_by_number_name_and_class(runtime, request):
    port = request.getfixturevalue("port" if runtime == "cpython" else "mpy_port")
    value, reading = ok("get", "1.0.1.8.0.255", "--port", port).splitlines()
    assert value.startswith("double-long-unsigned:") and int(value.split(":")[1]) > 12000000
    assert reading == "= %s Wh" % value.split(":")[1]  # scaler 0
    value, reading = ok("get", "1.0.32.7.0.255", "--port", port).splitlines()
    volts = int(value.split(":")[1])
    assert value.startswith("long-unsigned:") and 2000 < volts < 2600
    assert reading == "= %s V" % (volts / 10)  # scaler -1
    j = ok_json("get", "1.0.31.7.0.255", "--port", port)
    assert j["unit"] == "A" and j["scaled"] == j["value"]["long-unsigned"] / 100
    assert ok("get", "1.0.1.8.0.255", "scaler_unit", "--port", port) == \
        "structure (2):\n  integer:0\n  enum:30\n"
    assert ok("get", "1-0:32.7.0", "3", "--class", "3", "--port", port) == \
        "structure (2):\n  integer:-1\n  enum:35\n"
    assert ok("get", "0.0.96.1.0.255", "--port", port) == "visible-string:MCS0000001\n"
    assert ok("get", "0.0.1.0.0.255", "logical_name", "--port", port) == \
        "octet-string:0.0.1.0.0.255\n"
    j = ok_json("get", "0.0.1.0.0.255", "time_zone", "--port", port)
    assert j == {"obis": "0.0.1.0.0.255", "class_id": 8, "attribute": 3,
                 "value": {"long": -60}}


def test_get_errors(port):
    err = fails("get", "1.0.99.9.0.255", "--port", port)
    assert "not in this association's object list" in err and "microcosem list" in err
    err = fails("get", "1.0.99.9.0.255", "--class", 3, "--port", port)
    assert "object-undefined" in err and "microcosem list" in err
    err = fails("get", "1.0.1.6.0.255", 9, "--port", port)  # an extended register has 5
    assert "the object is there but has no such attribute" in err
    err = fails("get", "1.0.1.8.0.255", "colour", "--port", port, status=2)
    assert "Register has no attribute 'colour'" in err and "3 scaler_unit" in err
    err = fails("get", "1.0.1.8.0", "--port", port, status=2)
    assert "not an OBIS code" in err
    err = fails("get", "1.0.1.8.0.255", "999", "--port", port, status=2)
    assert "out of range" in err


# ---------------------------------------------------------------- set


def test_set_refused_to_the_public_client(port):
    err = fails("set", "0.0.96.11.0.255", 2, "long-unsigned:7", "--port", port)
    assert "read-write-denied" in err
    assert "the public client cannot write: use -c 1 with --auth hls-gmac" in err
    err = fails("set", "0.0.96.11.0.255", 2, "long-unsigned:7", "--port", port, "-m", "demo-reader")
    assert "read-write-denied" in err and "the reader client cannot write" in err


def test_set_by_the_management_client(port):
    assert ok("set", "0.0.96.11.0.255", "value", "long-unsigned:4711", "--port", port,
              *MANAGEMENT) == "success\n"
    assert ok("get", "0.0.96.11.0.255", "--port", port) == "long-unsigned:4711\n"
    j = ok_json("set", "0.0.96.11.0.255", 2, '{"long-unsigned": 4712}', "--port", port,
                *MANAGEMENT)
    assert j["result"] == "success" and j["value"] == {"long-unsigned": 4712}
    assert ok("get", "0.0.96.11.0.255", "--port", port) == "long-unsigned:4712\n"
    # the text get prints is what set reads
    ok("set", "0.0.1.0.0.255", "time_zone", "long:-60", "--port", port, *MANAGEMENT)
    err = fails("set", "0.0.1.0.0.255", "time_zone", "visible-string:x", "--port", port,
                *MANAGEMENT)
    assert "type-unmatched" in err and "microcosem get" in err


def test_value_text_mistakes_are_usage_errors(port):
    for value, says in (("long-unsigned:x", "takes an integer"),
                        ("long-unsigned:70000", "long-unsigned"),
                        ("lengthy:7", "no type name"),
                        ("octet-string:xyz", "an octet-string takes hex"),
                        ('{"unsigned": 5', "not JSON"),
                        ("structure:1", "given as JSON"),
                        ("boolean:maybe", "true or false")):
        err = fails("set", "0.0.96.11.0.255", 2, value, "--port", port, *MANAGEMENT, status=2)
        assert says in err, (value, err)


# ---------------------------------------------------------------- action


def test_action_reset_and_refusal(port):
    err = fails("action", "1.0.1.6.0.255", "reset", "--port", port)
    assert "read-write-denied" in err and "cannot run methods" in err and "-c 1" in err
    assert ok("action", "1.0.1.6.0.255", "reset", "--port", port, *MANAGEMENT) == "success\n"
    assert ok("get", "1.0.1.6.0.255", "--port", port) == "double-long-unsigned:0\n= 0 W\n"
    j = ok_json("action", "1.0.1.6.0.255", 1, "integer:0", "--port", port, *MANAGEMENT)
    assert (j["method"], j["result"], j["return"]) == (1, "success", None)
    err = fails("action", "1.0.1.6.0.255", "explode", "--port", port, *MANAGEMENT, status=2)
    assert "ExtendedRegister has no method 'explode' (1 reset)" in err


# ---------------------------------------------------------------- profile


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
def test_profile_entries_csv_and_json(runtime, request):
    port = request.getfixturevalue("port" if runtime == "cpython" else "mpy_port")
    out = ok("profile", "1.0.99.1.0.255", "--entries", "1:10", "--port", port)
    lines = out.splitlines()
    assert lines[0] == ("0.0.1.0.0.255 time,1.0.1.8.0.255 value,1.0.2.8.0.255 value,"
                        "0.0.96.10.1.255 value")
    assert len(lines) == 11
    first, second = (ln.split(",") for ln in lines[1:3])
    assert first[0].endswith("+01:00") and first[0][10] == "T"  # ISO 8601, the meter's offset
    assert int(second[1]) >= int(first[1]) > 0
    # the whole buffer: 1000 rows in many blocks, counted on stderr with --progress
    rc, out, err = run("profile", "1.0.99.1.0.255", "--port", port, "--progress")
    assert rc == 0 and len(out.splitlines()) == 1001
    last = err.split("\r")[-1]
    assert last.startswith("profile 1.0.99.1.0.255: ") and "blocks" in last and "bytes" in last
    assert int(last.split()[2]) > 10, last
    j = ok_json("profile", "1.0.99.1.0.255", "--entries", "999:", "--port", port)
    assert len(j["rows"]) == 2 and len(j["columns"]) == 4
    assert list(j["rows"][0][0]["octet-string"]) == ["date-time"]


def test_profile_by_range(port):
    # the meter's rows are quarter hours up to now: ask for the last two hours
    now = time.time()
    frm = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now - 7200))
    to = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now))
    out = ok("profile", "1.0.99.1.0.255", "--from", frm, "--to", to, "--port", port)
    rows = out.splitlines()[1:]
    assert 7 <= len(rows) <= 9, rows
    import datetime
    for r in rows:
        t = datetime.datetime.fromisoformat(r.split(",")[0]).timestamp()
        assert now - 7200 <= t <= now
    # an open end: from 30 minutes ago
    frm = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 1800))
    rows = ok("profile", "1.0.99.1.0.255", "--from", frm, "--port", port).splitlines()[1:]
    assert 1 <= len(rows) <= 3, rows
    # the event log has the power-up event in it
    out = ok("profile", "0.0.99.98.0.255", "--port", port)
    assert out.splitlines()[0] == "0.0.1.0.0.255 time,0.0.96.11.0.255 value"


def test_profile_mistakes(port):
    assert "ISO 8601" in fails("profile", "1.0.99.1.0.255", "--from", "yesterday", "--port",
                               port, status=2)
    assert "--entries takes A:B" in fails("profile", "1.0.99.1.0.255", "--entries", "5:2",
                                          "--port", port, status=2)
    assert "not both" in fails("profile", "1.0.99.1.0.255", "--entries", "1:2", "--from",
                               "2026-01-01T00:00", "--port", port, status=2)
    err = fails("profile", "1.0.1.8.0.255", "--port", port)  # a register is no profile
    assert "object-undefined" in err or "object-class-inconsistent" in err or "object-unavailable" in err


# ---------------------------------------------------------------- clock


def test_clock_read_set_and_sync():
    # a meter of its own: its load profile follows the clock set here
    with MeterProcess("cpython") as port:
        out = ok("clock", "--port", port)
        assert out.startswith("meter time  ") and "dev=-60" in out and "pc time" in out
        j = ok_json("clock", "--port", port)
        assert abs(j["offset_s"]) < 5
        ahead = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 3600))
        err = fails("clock", "--set", ahead, "--port", port)
        assert "read-write-denied" in err and "cannot write" in err
        j = ok_json("clock", "--set", ahead, "--port", port, *MANAGEMENT)
        import datetime
        assert datetime.datetime.fromisoformat(j["set_to"]) == datetime.datetime.fromisoformat(ahead)
        assert 3590 < j["offset_s"] < 3610
        out = ok("clock", "--sync", "--port", port, *MANAGEMENT)
        assert out.startswith("set to      ")
        assert abs(ok_json("clock", "--port", port)["offset_s"]) < 3


# ---------------------------------------------------------------- listen


def _listen(lport, *flags):
    return subprocess.Popen([os.path.join(BIN, "microcosem"), "listen", "--port", str(lport),
                             "--count", "1", "--timeout", "30"] + list(flags),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_listen_prints_the_meters_push(port):
    lport = free_port()
    proc = _listen(lport)
    try:
        # wait for the listener through its banner, not a probe connection (that would count)
        assert "listening on" in proc.stderr.readline()
        dest = '{"structure": [{"enum": 0}, {"octet-string": {"text": "127.0.0.1:%d"}}, ' \
               '{"enum": 0}]}' % lport
        ok("set", "0.0.25.9.0.255", "send_destination_and_method", dest, "--port", port,
           *MANAGEMENT)
        assert ok("get", "0.0.25.9.0.255", 3, "--port", port) == \
            'structure (3):\n  enum:0\n  octet-string:"127.0.0.1:%d"\n  enum:0\n' % lport
        ok("action", "0.0.25.9.0.255", "push", "--port", port, *MANAGEMENT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert "wPort 1 -> 16: DataNotification invoke id" in lines[0], out
    assert lines[1] == "  structure (2):"
    assert lines[2].startswith("    octet-string:") and "dev=-60" in lines[2]  # the clock
    assert lines[3].startswith("    double-long-unsigned:")  # +A


def test_listen_opens_a_ciphered_push():
    import socket
    from microcosem.apdu.notify import DataNotification
    from microcosem.profiles.wrapper import wrap
    from microcosem.security.ciphering import protect_general

    body = (2, [(6, 123456), (9, b"\x01\x02")])
    plain = DataNotification(long_invoke_id_and_priority=7, date_time=None, body=body).to_bytes()
    title = bytes.fromhex("4D4D4D0000BC614E")
    apdu = protect_general(plain, title, 42, bytes.fromhex(EK), bytes.fromhex(AK))
    lport = free_port()
    proc = _listen(lport, "--ek", EK, "--ak", AK, "--json")
    try:
        assert _wait_listening_without_probe(proc, lport)
        with socket.create_connection(("127.0.0.1", lport)) as s:
            s.sendall(wrap(1, 16, apdu))
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    j = json.loads(out)
    assert j["apdu"] == "general-glo-ciphering" and j["system_title"] == "4D4D4D0000BC614E"
    assert j["plain"]["apdu"] == "DataNotification"
    assert j["plain"]["body"] == {"structure": [{"double-long-unsigned": 123456},
                                                {"octet-string": "0102"}]}
    assert (j["source_wport"], j["destination_wport"]) == (1, 16)
    # without keys: shown by its parts, with what to give
    proc = _listen(lport)
    try:
        assert "listening on" in proc.stderr.readline()
        with socket.create_connection(("127.0.0.1", lport)) as s:
            s.sendall(wrap(1, 16, apdu))
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert "general-glo-ciphering" in out and "give --ek and --ak" in out


def _wait_listening_without_probe(proc, lport):
    # --json prints no banner: wait until the port is bound (ss would do; a probe would count)
    import socket
    for _ in range(200):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", lport))
        except OSError:
            return True  # taken: the listener has it
        finally:
            s.close()
        time.sleep(0.025)
    return False


def test_listen_usage():
    assert "--count takes" in fails("listen", "--port", free_port(), "--count", 0, status=2)
    assert "together" in fails("listen", "--port", free_port(), "--ek", EK, status=2)


# ---------------------------------------------------------------- meters.toml


def test_meters_toml_profile_and_flags_over_it(port, tmp_path, monkeypatch):
    toml = tmp_path / "meters.toml"
    toml.write_text('[bench]\nhost = "127.0.0.1"\nport = %d\nclient = 1\nauth = "hls-gmac"\n'
                    'ek = "%s"\nak = "%s"\nsystem_title = "4D4D4D0000000002"\n'
                    '[reader]\nport = %d\nclient = 17\nauth = "lls"\npassword = "12345678"\n'
                    % (port, EK, AK, port))
    monkeypatch.setenv("MICROCOSEM_METERS", str(toml))
    j = ok_json("associate", "-m", "bench")
    assert (j["client_sap"], j["mechanism"]) == (1, "high-gmac")
    assert ok("set", "0.0.96.11.0.255", 2, "long-unsigned:9", "-m", "bench") == "success\n"
    assert ok_json("associate", "-m", "reader")["mechanism"] == "low"
    # flags win over the profile
    j = ok_json("associate", "-m", "bench", "-c", 16, "--auth", "none", "--security", "none")
    assert (j["client_sap"], j["mechanism"]) == (16, "none")
    err = fails("associate", "-m", "reader", "-p", "nope")
    assert "authentication-failure" in err
    err = fails("associate", "-m", "kitchen", status=2)
    assert "no meter profile 'kitchen'" in err and "bench" in err and "demo" in err


def test_meters_toml_mistakes(tmp_path, monkeypatch):
    toml = tmp_path / "meters.toml"
    monkeypatch.setenv("MICROCOSEM_METERS", str(toml))
    toml.write_text("[bench\nport = 1\n")
    assert str(toml) in fails("associate", "-m", "bench", status=2)
    toml.write_text('[bench]\nport = 4059\ncolour = "red"\n')
    assert "unknown key 'colour'" in fails("associate", "-m", "bench", status=2)
    toml.write_text('[bench]\nport = "x"\n')
    assert "port takes a number" in fails("associate", "-m", "bench", status=2)
    toml.write_text('[bench]\nauth = "hls-gmac"\n')
    assert "needs --ek --ak --system-title" in fails("associate", "-m", "bench", status=2)
    toml.write_text('[bench]\nek = "0011"\nak = "%s"\nsystem_title = "4D4D4D0000000001"\n'
                    'auth = "hls-gmac"\n' % AK)
    assert "ek takes 16 bytes" in fails("associate", "-m", "bench", status=2)


# ---------------------------------------------------------------- the link


def test_link_errors_are_one_line():
    err = fails("associate", "--port", free_port())
    assert "connection refused" in err and "microcosem serve" in err
    import socket
    import threading
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    held = []
    t = threading.Thread(target=lambda: held.append(srv.accept()), daemon=True)
    t.start()
    try:  # a peer that takes the connection and never answers
        err = fails("associate", "--port", srv.getsockname()[1], "--timeout", 0.5)
        assert "no answer within 0.5s" in err
    finally:
        srv.close()
    # a peer that hangs up, and one that answers garbage
    for answer, says in ((b"", "closed the connection"), (b"\x00\x02" + bytes(20), "wrapper version")):
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)

        def peer(srv=srv, answer=answer):
            c, _ = srv.accept()
            c.recv(1024)
            if answer:
                c.sendall(answer)
            c.close()

        threading.Thread(target=peer, daemon=True).start()
        try:
            assert says in fails("associate", "--port", srv.getsockname()[1])
        finally:
            srv.close()
    assert "--mode-e" in fails("associate", "--mode-e", status=2)
    assert "--auth lls needs --password" in fails("associate", "--auth", "lls", status=2)
