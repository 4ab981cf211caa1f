"""`microcosem decode` and `microcosem encode`: the JSON, the round trip of every
APDU class through both commands, and the one-line errors."""

import io
import json
import os
import random
import subprocess
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout

import pytest

from microcosem.apdu import get
from microcosem_host import cli
from microcosem_host.jsonview import apdu_classes, field_kind

sys.path.insert(0, os.path.dirname(__file__))
from cli_samples import SAMPLES  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXE = os.path.join(ROOT, ".venv", "bin", "microcosem")

GET_CLOCK = "C0 01 C1 0008 0000010000FF 02 00"


def run(*argv, stdin=""):
    """cli.main in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            rc = cli.main(list(argv))
    finally:
        sys.stdin = old
    return rc, out.getvalue(), err.getvalue()


def decode_ok(*argv, stdin=""):
    rc, out, err = run("decode", *argv, stdin=stdin)
    assert (rc, err) == (0, ""), err
    return out


def encode_ok(text):
    rc, out, err = run("encode", stdin=text)
    assert (rc, err) == (0, ""), err
    return out


def fails(argv, stdin="", status=1):
    """The stderr line of a command that must fail with `status`."""
    rc, out, err = run(*argv, stdin=stdin)
    assert rc == status, (rc, out, err)
    assert err.count("\n") == 1 and err.startswith("microcosem: "), err
    assert "Traceback" not in err and "internal" not in err
    return err


# ------------------------------------------------------------------ the JSON


def test_decode_get_request_normal():
    out = decode_ok(GET_CLOCK)
    assert json.loads(out) == {
        "apdu": "GetRequestNormal",
        "invoke_id_and_priority": {"invoke_id": 1, "confirmed": True, "high_priority": True},
        "attribute_descriptor": {"class_id": 8, "instance_id": "0.0.1.0.0.255", "attribute_id": 2},
        "access_selection": None}
    assert out.count("\n") == 1  # one line, nothing else


def test_decode_hex_forms():
    # one argument or many, spaces or not, any case: the same bytes
    want = decode_ok(GET_CLOCK)
    assert decode_ok(GET_CLOCK.replace(" ", "").lower()) == want
    assert decode_ok(*GET_CLOCK.split()) == want
    assert decode_ok("-", stdin="  " + GET_CLOCK + "\t\n") == want


def test_decode_get_response_with_data():
    # GetResponseNormal of a register value: structure { double-long-unsigned, date-time }
    out = decode_ok("C4 01 C1 00 02 02 06 0000007B 19 07EA0B19030E1E0000FFC480")
    assert json.loads(out)["result"] == {"data": {"structure": [
        {"double-long-unsigned": 123},
        {"date-time": "2026-11-25 Wed 14:30:00.00 dev=-60 status=0x80"}]}}
    out = decode_ok("C4 01 41 01 04")
    assert json.loads(out)["result"] == {"data-access-result": "object-undefined"}


def test_acse_fields_are_readable():
    # An AARQ for LLS with the password "12345678" and an InitiateRequest inside
    hexstr = ("60 36 A1 09 06 07 60 85 74 05 08 01 01 8A 02 07 80 8B 07 60 85 74 05 08 02 01"
              " AC 0A 80 08 3132333435363738"
              " BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 7E 1F 04 B0")
    j = json.loads(decode_ok(hexstr))
    assert j["apdu"] == "AARQ"
    assert j["application_context_name"] == "logical-name"
    assert j["sender_acse_requirements"] == "1"
    assert j["mechanism_name"] == "low"
    assert j["calling_authentication_value"] == "12345678"
    ui = j["user_information"]
    assert ui["apdu"] == "InitiateRequest" and ui["client_max_receive_pdu_size"] == 0x4B0
    assert ui["proposed_conformance"] == [
        "priority-mgmt-supported", "attribute0-supported-with-get",
        "block-transfer-with-get-or-read", "block-transfer-with-set-or-write",
        "block-transfer-with-action", "multiple-references", "get", "set",
        "selective-access", "event-notification", "action"]
    assert encode_ok(json.dumps(j)) == hexstr.replace(" ", "") + "\n"


def test_aare_result_and_diagnostic():
    hexstr = ("61 29 A1 09 06 07 60 85 74 05 08 01 01 A2 03 02 01 01 A3 05 A1 03 02 01 0D"
              " BE 10 04 0E 08 00 06 5F 1F 04 00 00 50 1F 01 F4 00 07")
    j = json.loads(decode_ok(hexstr))
    assert j["result"] == "rejected-permanent"
    assert j["result_source_diagnostic"] == {"acse-service-user": "authentication-failure"}
    assert j["user_information"]["negotiated_conformance"][-1] == "action"
    assert encode_ok(json.dumps(j)) == hexstr.replace(" ", "") + "\n"


def test_confirmed_service_error_names():
    j = json.loads(decode_ok("0E 01 06 01"))
    assert j == {"apdu": "ConfirmedServiceError", "service": "initiateError",
                 "error_type": "initiate", "error": "dlms-version-too-low"}


def test_every_class_has_a_sample_and_every_field_a_form():
    classes = apdu_classes()
    assert len(classes) >= 40
    for cls in classes:
        assert any(type(s) is cls for s in SAMPLES), cls.__name__
        for f in cls.FIELDS:
            assert field_kind(cls.__name__, f) is not None, (cls.__name__, f)


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize("apdu", SAMPLES, ids=["%02d-%s" % (i, type(a).__name__)
                                               for i, a in enumerate(SAMPLES)])
def test_round_trip(apdu):
    wire = apdu.to_bytes().hex().upper()
    out = decode_ok(wire)
    assert json.loads(out)["apdu"] == type(apdu).__name__
    assert encode_ok(out) == wire + "\n"
    # the JSON argument form, and the indented JSON, say the same
    rc, out2, _ = run("encode", out)
    assert (rc, out2) == (0, wire + "\n")
    assert encode_ok(decode_ok("--pretty", wire)) == wire + "\n"


def test_round_trip_many_lines_through_stdin():
    wires = [a.to_bytes().hex().upper() for a in SAMPLES]
    text = "# a capture\n\n" + "\n".join(w + "  # sample %d" % i for i, w in enumerate(wires))
    out = decode_ok("-", stdin=text)
    assert out.count("\n") == len(wires)
    assert encode_ok(out) == "\n".join(wires) + "\n"
    # a JSON list is the same as the values one after another
    lst = json.dumps([json.loads(line) for line in out.splitlines()])
    assert encode_ok(lst) == "\n".join(wires) + "\n"


def test_round_trip_with_guesses():
    # --guess shows octet-strings as what they seem to hold; encode reads that back
    wires = [a.to_bytes().hex().upper() for a in SAMPLES]
    out = decode_ok("--guess", "-", stdin="\n".join(wires))
    assert encode_ok(out) == "\n".join(wires) + "\n"
    j = json.loads(decode_ok("--guess", "C4 01 C1 00 02 04 09 0C 07EA0B19030E1E0000FFC480"
                             " 09 06 0100630100FF 09 04 4C475A31 09 03 00FF10"))
    assert j["result"]["data"]["structure"] == [
        {"octet-string": {"date-time": "2026-11-25 Wed 14:30:00.00 dev=-60 status=0x80"}},
        {"octet-string": {"obis": "1.0.99.1.0.255"}}, {"octet-string": {"text": "LGZ1"}},
        {"octet-string": "00FF10"}]
    # twelve bytes that are no date-time stay hex
    j = json.loads(decode_ok("--guess", "--data", "09 0C 07EA0D19030E1E0000FFC480"))
    assert j == {"octet-string": "07EA0D19030E1E0000FFC480"}


def test_bare_data_values():
    out = decode_ok("--data", "02 02 12 0001 09 02 4142")
    assert json.loads(out) == {"structure": [{"long-unsigned": 1}, {"octet-string": "4142"}]}
    assert encode_ok(out) == "020212000109024142\n"
    assert encode_ok('{"unsigned": 5} {"octet-string": {"text": "AB"}}') == "1105\n09024142\n"
    err = fails(["decode", "--data", "02 02 12 00"])
    assert err == "microcosem: error: data ends early: number truncated at offset 2\n"
    err = fails(["encode"], stdin='{"structure": [{"unsinged": 5}]}')
    assert "no data type named 'unsinged'" in err
    err = fails(["encode"], stdin='[{"unsigned": 5}, {"unsinged": 5}]')
    assert err == ("microcosem: error: [1]: an object of keys 'unsinged' holds neither \"apdu\" "
                   "(an APDU), \"frame\" (a frame) nor one data type name (a Data value)\n")
    assert "exclude each other" in fails(["decode", "--data", "--frame", "auto", "00"], status=2)


def test_encode_hand_written_json():
    # IEC notation for the logical name, access_selection left out (OPTIONAL)
    j = {"apdu": "GetRequestNormal",
         "invoke_id_and_priority": {"invoke_id": 1, "confirmed": True, "high_priority": True},
         "attribute_descriptor": {"class_id": 8, "instance_id": "0-0:1.0.0*255",
                                  "attribute_id": 2}}
    assert encode_ok(json.dumps(j)) == GET_CLOCK.replace(" ", "") + "\n"
    j["invoke_id_and_priority"] = {"invoke_id": 1, "high_priority": True}  # confirmed: default
    assert encode_ok(json.dumps(j)) == GET_CLOCK.replace(" ", "") + "\n"
    j["invoke_id_and_priority"] = 0xC1  # the raw byte will do too
    rc, out, _ = run("encode", "--spaces", json.dumps(j))
    assert out == "C0 01 C1 00 08 00 00 01 00 00 FF 02 00\n"
    # a SetRequest with a date-time written by hand, the weekday left unspecified
    j = {"apdu": "SetRequestNormal", "invoke_id_and_priority": 0xC1,
         "attribute_descriptor": {"class_id": 8, "instance_id": "0.0.1.0.0.255",
                                  "attribute_id": 2},
         "value": {"date-time": "2026-11-25 14:30:00 dev=-60"}}
    assert encode_ok(json.dumps(j)) == (
        "C101C100080000010000FF0200" + "19" + "07EA0B19FF0E1E00FFFFC4FF\n")


def test_decode_encode_decode_is_stable_on_mutated_input():
    # Whatever decode accepts, encode takes back, and the second decode says the same.
    rnd = random.Random(5)
    for apdu in SAMPLES:
        wire = bytearray(apdu.to_bytes())
        for _ in range(6):
            b = bytearray(wire)
            b[rnd.randrange(len(b))] = rnd.randrange(256)
            rc, out, err = run("decode", b.hex())
            assert rc in (0, 1) and "Traceback" not in err and "internal" not in err
            if rc == 1:
                assert err.count("\n") == 1
                continue
            again = encode_ok(out)
            assert decode_ok(again) == out


def test_every_truncation_is_an_error():
    for apdu in SAMPLES:
        wire = apdu.to_bytes()
        # every cut of a short APDU, a dozen spread over a long one
        for n in sorted(set(range(1, len(wire), max(1, len(wire) // 12)))):
            err = fails(["decode", wire[:n].hex()])
            assert "offset" in err, err


# ------------------------------------------------------------------ errors


def test_malformed_hex():
    assert fails(["decode", "C0 0G"]) == "microcosem: error: not hex: 'G' at column 5\n"
    assert "odd number of hex digits (3)" in fails(["decode", "C00"])
    err = fails(["decode", "-"], stdin=GET_CLOCK + "\nC0 01 zz\n")
    assert err == "microcosem: error: line 2: not hex: 'z' at column 7\n"


def test_unknown_tag_and_choice():
    assert fails(["decode", "FF 00"]) == "microcosem: error: unknown APDU tag 0xFF at offset 0\n"
    assert "unknown choice 9 of APDU 0xC0 at offset 1" in fails(["decode", "C0 09 C1"])


def test_truncated_and_too_long():
    err = fails(["decode", "C0 01 C1 00 08 00 00"])
    assert err == "microcosem: error: APDU ends early: COSEM descriptor truncated at offset 3\n"
    assert "1 bytes after the APDU at offset 13" in fails(["decode", GET_CLOCK + " 00"])
    err = fails(["decode", "-"], stdin=GET_CLOCK + "\n\n# comment\nC0 01\n")
    assert err.startswith("microcosem: error: line 4: APDU ends early")


def test_bad_json():
    assert fails(["encode"], stdin="{").startswith("microcosem: error: bad JSON: ")
    assert "line 2 column 1" in fails(["encode"], stdin='{"apdu": "GetRequestNext",\n')
    assert "no APDU in the JSON" in fails(["encode"], stdin="[]")
    assert "bad JSON: nested too deep" in fails(["encode"], stdin="[" * 100000)


def _encode_err(j):
    return fails(["encode"], stdin=json.dumps(j))


def test_json_of_the_wrong_type():
    err = _encode_err({"apdu": "GetRequestNext", "invoke_id_and_priority": 0xC1,
                       "block_number": "1"})
    assert err == ("microcosem: error: GetRequestNext.block_number: expected an integer, "
                   "not a string\n")
    err = _encode_err({"apdu": "GetResponseNormal", "invoke_id_and_priority": 0xC1,
                       "result": {"data": {"structure": [{"unsigned": 1},
                                                         {"long-unsigned": "5"}]}}})
    assert err == ("microcosem: error: GetResponseNormal.result.data.structure[1].long-unsigned:"
                   " expected an integer, not a string\n")
    err = _encode_err({"apdu": "GetResponseNormal", "invoke_id_and_priority": 0xC1,
                       "result": {"data": {"unsigned": 256}}})
    assert "GetResponseNormal.result.data.unsigned: 256 out of range for unsigned" in err
    err = _encode_err({"apdu": "GetRequestNext", "invoke_id_and_priority": {
        "invoke_id": 16, "confirmed": True, "high_priority": True}, "block_number": 1})
    assert "GetRequestNext.invoke_id_and_priority.invoke_id: 16 is not in 0..15" in err
    err = _encode_err([{"apdu": "GetRequestNext", "invoke_id_and_priority": 1, "block_number": 1},
                       {"apdu": "SetResponseNormal", "invoke_id_and_priority": 1,
                        "result": "no-such-result"}])
    assert err.startswith("microcosem: error: [1].SetResponseNormal.result: 'no-such-result' "
                          "is none of success, hardware-fault")
    err = _encode_err({"apdu": "GetResponseNormal", "invoke_id_and_priority": 1,
                       "result": {"data": {"date-time": "2026-11-25"}}})
    assert "result.data.date-time: '2026-11-25': the time part is missing" in err
    err = _encode_err({"apdu": "GetRequestNormal", "invoke_id_and_priority": 1,
                       "attribute_descriptor": {"class_id": 8, "instance_id": "1.2.3",
                                                "attribute_id": 2}})
    assert "attribute_descriptor.instance_id: OBIS '1.2.3': expected six value groups" in err
    err = _encode_err({"apdu": "AARQ", "mechanism_name": "medium"})
    assert "AARQ.mechanism_name: 'medium' is none of none, low, high" in err
    err = _encode_err({"apdu": "InitiateRequest", "proposed_dlms_version_number": 6,
                       "proposed_conformance": ["get", "gets"],
                       "client_max_receive_pdu_size": 1024})
    assert "InitiateRequest.proposed_conformance: no conformance bit named 'gets'" in err


def test_json_names_and_fields():
    assert "no APDU named 'GetRequest'" in _encode_err({"apdu": "GetRequest"})
    assert "holds neither \"apdu\"" in _encode_err({"invoke_id_and_priority": 1, "x": 2})
    err = _encode_err({"apdu": "GetRequestNext", "invoke_id_and_priority": 1})
    assert err == "microcosem: error: GetRequestNext.block_number: missing\n"
    err = _encode_err({"apdu": "GetRequestNext", "invoke_id_and_priority": 1,
                       "block_number": 1, "blocknumber": 2})
    assert err == "microcosem: error: GetRequestNext: no field 'blocknumber'\n"
    err = _encode_err({"apdu": "GetResponseNormal", "invoke_id_and_priority": 1,
                       "result": {"data": {"unsigned": 1, "long": 2}}})
    assert "GetResponseNormal.result.data: expected a Data value" in err
    assert "no data type named 'uint8'" in _encode_err(
        {"apdu": "SetRequestNormal", "invoke_id_and_priority": 1,
         "attribute_descriptor": {"class_id": 1, "instance_id": "0.0.1.0.0.255",
                                  "attribute_id": 2}, "value": {"uint8": 1}})
    assert "expected an APDU object" in _encode_err([5])


def test_usage_errors():
    err = fails(["decode", "--frame", "isdn", "00"], status=2)
    assert "invalid choice: 'isdn'" in err
    assert "cannot be mixed" in fails(["decode", "-", "C0"], status=2)
    assert "unrecognized arguments: --bogus" in fails(["encode", "--bogus"], status=2)
    err = fails(["bogus"], status=2)
    assert err.startswith("microcosem: argument COMMAND: invalid choice: 'bogus'")
    assert err.endswith("(see microcosem --help)\n")
    rc, out, err = run()
    assert rc == 2 and "decode" in out and err == ""
    rc, out, err = run("--help")
    assert rc == 0 and "decode" in out and "encode" in out


def test_a_bug_is_one_line_too(monkeypatch):
    from microcosem_host.commands import decode

    def broken(buf, args, hdlc):
        raise KeyError("oops")

    monkeypatch.setattr(decode, "_views", broken)
    rc, out, err = run("decode", "00")
    assert (rc, out) == (1, "")
    assert err == ("microcosem: internal error: KeyError: 'oops' "
                   "(MICROCOSEM_TRACEBACK=1 shows where)\n")
    monkeypatch.setenv("MICROCOSEM_TRACEBACK", "1")
    with pytest.raises(KeyError):
        run("decode", "00")


# ------------------------------------------------------------------ the installed command


def _sh(args, stdin=""):
    return subprocess.run([EXE] + args, input=stdin, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.skipif(not os.path.exists(EXE), reason="no .venv/bin/microcosem")
def test_subprocess_round_trip():
    wires = [a.to_bytes().hex().upper() for a in SAMPLES[::7]]
    p = _sh(["decode", "-"], "\n".join(wires) + "\n")
    assert (p.returncode, p.stderr) == (0, "")
    q = _sh(["encode"], p.stdout)
    assert (q.returncode, q.stderr, q.stdout) == (0, "", "\n".join(wires) + "\n")


@pytest.mark.skipif(not os.path.exists(EXE), reason="no .venv/bin/microcosem")
def test_subprocess_errors_and_help():
    p = _sh(["decode", "C0 01 C1"])
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr == ("microcosem: error: APDU ends early: COSEM descriptor truncated "
                        "at offset 3\n")
    p = _sh(["encode"], '{"apdu": "GetRequestNext", "invoke_id_and_priority": true}')
    assert p.returncode == 1 and p.stderr.count("\n") == 1
    assert "invoke_id_and_priority: expected an object" in p.stderr
    p = _sh(["decode", "--frame"])
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    p = _sh(["--help"])
    assert p.returncode == 0 and "decode" in p.stdout and p.stderr == ""


def test_get_request_normal_builds_as_documented():
    # the README-level example stays true to the codec
    a = get.GetRequestNormal(invoke_id_and_priority=0xC1,
                             attribute_descriptor=(8, bytes.fromhex("0000010000FF"), 2),
                             access_selection=None)
    assert a.to_bytes().hex().upper() == GET_CLOCK.replace(" ", "")


@pytest.mark.skipif(not os.path.exists(EXE), reason="no .venv/bin/microcosem")
def test_subprocess_frames_and_a_reader_that_leaves():
    from microcosem.profiles import wrapper

    w = wrapper.wrap(16, 1, bytes.fromhex(GET_CLOCK)).hex().upper()
    p = _sh(["decode", "--frame", "auto", "-"], w + "\n7EA0070321930F017E\n")
    assert (p.returncode, p.stderr) == (0, "")
    q = _sh(["encode"], p.stdout)
    assert q.stdout == w + "\n7EA0070321930F017E\n"
    # `| head -1`: the reader goes away; the command stops without a word
    with tempfile.TemporaryFile() as f:
        f.write((GET_CLOCK + "\n").encode() * 20000)
        f.seek(0)
        r = subprocess.Popen([EXE, "decode", "-"], stdin=f, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        r.stdout.readline()
        r.stdout.close()
        try:
            assert r.wait(timeout=60) in (0, 1)
        finally:
            r.kill()
        assert r.stderr.read() == b""


def test_conformance_names_agree_with_dlms_cosem():
    # dlms-cosem numbers the bits on its own: each of its flags alone is the bit
    # our view names, its Python spelling aside.
    xdlms = pytest.importorskip("dlms_cosem.protocol.xdlms")
    import attr

    spelling = {"attribute-0-supported-with-set": "attribute0-supported-with-set",
                "attribute-0-supported-with-get": "attribute0-supported-with-get",
                "priority-management-supported": "priority-mgmt-supported"}
    names = [f.name for f in attr.fields(xdlms.Conformance)]
    assert len(names) >= 15
    for name in names:
        req = xdlms.InitiateRequest(proposed_conformance=xdlms.Conformance(**{name: True}))
        j = json.loads(decode_ok(req.to_bytes().hex()))
        want = name.replace("_", "-")
        assert j["proposed_conformance"] == [spelling.get(want, want)], name
