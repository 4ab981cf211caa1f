"""`microcosem decode` of ciphered APDUs: their parts without keys, the plain APDU
with them, and `encode` back to the same bytes."""

import json
import os
import sys

import pytest
from hypothesis import given, settings, strategies as st

from microcosem.apdu import acse
from microcosem.apdu.get import GetRequestNormal, GetResponseNormal
from microcosem.apdu.initiate import InitiateRequest, InitiateResponse
from microcosem.profiles import hdlc_frame as hf
from microcosem.security import ciphering

sys.path.insert(0, os.path.dirname(__file__))
from test_cli import decode_ok, encode_ok, fails, run  # noqa: E402

# The Green Book's example keys; the demo meter's system title.
EK = bytes(range(16))
AK = bytes(range(0xD0, 0xE0))
CLIENT_TITLE = bytes.fromhex("4D4D4D0000000001")
SERVER_TITLE = bytes.fromhex("4D4D4D0000BC614E")
KEYS = ["--ek", EK.hex(), "--ak", AK.hex()]

GET = GetRequestNormal(invoke_id_and_priority=0xC1,
                       attribute_descriptor=(8, bytes.fromhex("0000010000FF"), 2),
                       access_selection=None).to_bytes()
ANSWER = GetResponseNormal(invoke_id_and_priority=0xC1, result=(18, 7)).to_bytes()


def view(*argv):
    return json.loads(decode_ok(*argv))


def test_parts_without_keys():
    glo = ciphering.protect(GET, CLIENT_TITLE, 5, EK, AK, 0x30)
    v = view(glo.hex())
    assert v["apdu"] == "glo-get-request" and v["system_title"] is None
    assert v["security_control"] == {"byte": "30", "suite": 0, "authenticated": True,
                                     "encrypted": True, "broadcast": False, "compressed": False}
    assert v["invocation_counter"] == 5
    assert len(bytes.fromhex(v["information"])) == len(GET)
    assert v["authentication_tag"] == glo[-12:].hex().upper()
    assert "plain" not in v
    assert encode_ok(json.dumps(v)) == glo.hex().upper() + "\n"


def test_opened_with_the_keys():
    glo = ciphering.protect(GET, CLIENT_TITLE, 5, EK, AK, 0x30)
    v = view(*KEYS, "--client-title", CLIENT_TITLE.hex(), glo.hex())
    assert v["plain"] == json.loads(decode_ok(GET.hex()))
    assert encode_ok(json.dumps(v)) == glo.hex().upper() + "\n"  # from the parts
    # the other security controls: authenticated only, encrypted only
    for sc in (0x10, 0x20):
        p = ciphering.protect(ANSWER, SERVER_TITLE, 9, EK, AK, sc)
        v = view(*KEYS, "--server-title", SERVER_TITLE.hex(), p.hex())
        assert v["apdu"] == "glo-get-response"
        assert v["plain"]["result"] == {"data": {"long-unsigned": 7}}
        assert (v["authentication_tag"] is None) == (sc == 0x20)
        if sc == 0x10:  # authenticated only: the information is the plain APDU
            assert v["information"] == ANSWER.hex().upper()
        assert encode_ok(json.dumps(v)) == p.hex().upper() + "\n"


def test_what_keeps_it_closed():
    glo = ciphering.protect(GET, CLIENT_TITLE, 5, EK, AK, 0x30)
    v = view(*KEYS, glo.hex())
    assert v["plain_error"] == "no system title for the client (--client-title)"
    v = view("--ek", bytes(16).hex(), "--ak", AK.hex(), "--client-title", CLIENT_TITLE.hex(),
             glo.hex())
    assert v["plain_error"] == "authentication failed"
    err = fails(["decode", glo[:-3].hex()])
    assert err.startswith("microcosem: error: APDU ends early: ciphered APDU truncated")
    assert "not hex" in fails(["decode", "--ek", "xyz", "00"], status=2)


def test_general_glo_ciphering_names_its_sender():
    g = ciphering.protect_general(GET, CLIENT_TITLE, 7, EK, AK, 0x30)
    v = view(*KEYS, g.hex())
    assert v["apdu"] == "general-glo-ciphering"
    assert v["system_title"] == CLIENT_TITLE.hex().upper()
    assert v["plain"]["apdu"] == "GetRequestNormal"
    assert encode_ok(json.dumps(v)) == g.hex().upper() + "\n"


def test_a_ciphered_association_learns_titles_and_dedicated_key():
    dkey = bytes(range(0x40, 0x50))
    init = InitiateRequest(dedicated_key=dkey, proposed_conformance=0x00501F,
                           client_max_receive_pdu_size=0x04B0)
    aarq = acse.AARQ(application_context_name=acse.CONTEXT_LN_CIPHERED,
                     calling_ap_title=CLIENT_TITLE, sender_acse_requirements="1",
                     mechanism_name=acse.MECHANISM_HIGH_GMAC,
                     calling_authentication_value=b"K56iVagY",
                     user_information=ciphering.protect(init.to_bytes(), CLIENT_TITLE, 1,
                                                        EK, AK, 0x30))
    resp = InitiateResponse(negotiated_conformance=0x00501F, server_max_receive_pdu_size=0x04B0)
    aare = acse.AARE(application_context_name=acse.CONTEXT_LN_CIPHERED, result=0,
                     result_source_diagnostic=(1, 14), responding_ap_title=SERVER_TITLE,
                     user_information=ciphering.protect(resp.to_bytes(), SERVER_TITLE, 1,
                                                        EK, AK, 0x30))
    lines = [aarq.to_bytes(), aare.to_bytes(),
             ciphering.protect(GET, CLIENT_TITLE, 2, dkey, AK, 0x30, dedicated=True),
             ciphering.protect(ANSWER, SERVER_TITLE, 2, dkey, AK, 0x30, dedicated=True)]
    text = "\n".join(x.hex() for x in lines)
    out = decode_ok(*KEYS, "-", stdin=text)
    a, b, c, d = [json.loads(x) for x in out.splitlines()]
    ui = a["user_information"]
    assert ui["apdu"] == "glo-initiate-request"
    assert ui["plain"]["dedicated_key"] == dkey.hex().upper()
    assert b["result_source_diagnostic"] == {"acse-service-user": "authentication-required"}
    assert b["user_information"]["plain"]["apdu"] == "InitiateResponse"
    assert c["apdu"] == "ded-get-request" and c["plain"]["apdu"] == "GetRequestNormal"
    assert d["apdu"] == "ded-get-response" and d["plain"]["apdu"] == "GetResponseNormal"
    assert encode_ok(out) == "".join(x.hex().upper() + "\n" for x in lines)
    # without keys, the user-information is still shown by its parts
    a = json.loads(decode_ok(lines[0].hex()))
    assert a["user_information"]["apdu"] == "glo-initiate-request"
    assert "plain" not in a["user_information"]


def test_ciphered_apdu_in_a_frame():
    glo = ciphering.protect(GET, CLIENT_TITLE, 5, EK, AK, 0x30)
    out = bytearray()
    hf.encode_frame(out, 0x10, hf.server_address(1, 17), hf.client_address(16),
                    b"\xE6\xE6\x00" + glo)
    v = view(*KEYS, "--client-title", CLIENT_TITLE.hex(), "--frame", "auto", out.hex())
    assert v["apdu"]["apdu"] == "glo-get-request"
    assert v["apdu"]["plain"]["apdu"] == "GetRequestNormal"
    assert encode_ok(json.dumps(v)) == out.hex().upper() + "\n"


def test_encode_checks_the_parts():
    glo = ciphering.protect(GET, CLIENT_TITLE, 5, EK, AK, 0x30)
    v = view(glo.hex())
    err = fails(["encode"], stdin=json.dumps(dict(v, authentication_tag=None)))
    assert "glo-get-request.authentication_tag: SC 0x30 needs an authentication tag" in err
    err = fails(["encode"], stdin=json.dumps(dict(v, system_title="00" * 8)))
    assert "only a general-ciphering APDU carries one" in err
    err = fails(["encode"], stdin=json.dumps(dict(v, apdu="glo-get-answer")))
    assert "no ciphered APDU named 'glo-get-answer'" in err
    # by flags instead of the byte
    v["security_control"] = {"authenticated": True, "encrypted": True}
    assert encode_ok(json.dumps(v)) == glo.hex().upper() + "\n"


def test_gurux_ciphered_association_opens():
    # gurux-dlms's HLS-GMAC client: a ciphered AARQ (glo-initiate-request inside)
    # then a glo-get-request; the view learns the client's title from the AARQ.
    pytest.importorskip("gurux_dlms")
    from gurux_dlms import GXDLMSClient
    from gurux_dlms.GXCiphering import GXCiphering
    from gurux_dlms.enums import Authentication, InterfaceType, Security
    from gurux_dlms.objects import GXDLMSClock

    c = GXDLMSClient(True, 1, 1, Authentication.HIGH_GMAC, None, InterfaceType.PDU)
    c.settings.cipher = cipher = GXCiphering(CLIENT_TITLE)
    cipher.security = Security.AUTHENTICATION_ENCRYPTION
    cipher.blockCipherKey = EK
    cipher.authenticationKey = AK
    cipher.invocationCounter = 1
    lines = [bytes(m).hex() for m in c.aarqRequest()]
    c.settings.connected = 3  # as if the association were made: the GET is ciphered
    lines += [bytes(m).hex() for m in c.read(GXDLMSClock("0.0.1.0.0.255"), 2)]
    out = decode_ok(*KEYS, "-", stdin="\n".join(lines))
    a, g = [json.loads(x) for x in out.splitlines()]
    assert a["mechanism_name"] == "high-gmac"
    assert a["calling_ap_title"] == CLIENT_TITLE.hex().upper()
    ui = a["user_information"]
    assert ui["apdu"] == "glo-initiate-request" and ui["plain"]["apdu"] == "InitiateRequest"
    assert g["apdu"] == "glo-get-request" and g["invocation_counter"] == 2
    assert g["plain"]["attribute_descriptor"]["instance_id"] == "0.0.1.0.0.255"
    assert encode_ok(out) == "".join(x.upper() + "\n" for x in lines)


def test_a_second_association_replaces_what_was_learnt():
    other = bytes.fromhex("4D4D4D0000000002")
    lines = []
    for title, ic in ((CLIENT_TITLE, 1), (other, 1)):
        lines.append(acse.AARQ(application_context_name=acse.CONTEXT_LN_CIPHERED,
                               calling_ap_title=title).to_bytes().hex())
        lines.append(ciphering.protect(GET, title, ic, EK, AK, 0x30).hex())
    views = [json.loads(x) for x in decode_ok(*KEYS, "-", stdin="\n".join(lines)).splitlines()]
    assert "plain" in views[1] and "plain" in views[3]
    # a title given on the command line stays, right or wrong
    views = [json.loads(x) for x in decode_ok(*KEYS, "--client-title", CLIENT_TITLE.hex(), "-",
                                              stdin="\n".join(lines)).splitlines()]
    assert "plain" in views[1] and views[3]["plain_error"] == "authentication failed"


@settings(max_examples=600, deadline=None)
@given(st.sampled_from([0x21, 0x28, 0xC8, 0xCC, 0xD0, 0xD4, 0xDB, 0xDC]),
       st.binary(max_size=40), st.booleans())
def test_any_ciphered_bytes_are_shown_or_refused(tag, rest, keys):
    b = bytes([tag]) + rest
    argv = (KEYS + ["--client-title", CLIENT_TITLE.hex(), "--server-title", SERVER_TITLE.hex()]
            if keys else [])
    rc, out, err = run("decode", *argv, b.hex())
    assert rc in (0, 1) and "internal" not in err, err
    if rc == 0:  # the same bytes, but for a length written longer than it needs
        again = encode_ok(out)
        assert decode_ok(*argv, again.strip()) == out
