"""HDLC and TCP/UDP wrapper frames as JSON, for `microcosem decode --frame`.

    $ microcosem decode --frame auto 7EA01A02232132F672E6E600C001C100080000010000FF0200601A7E
    {"frame": "hdlc", "flag": "7E",
     "format": {"type": 3, "segmented": false, "length": 26, "bytes": "A01A"},
     "destination": {"server_upper": 1, "server_lower": 17, "size": 2},
     "source": {"client_sap": 16, "size": 1},
     "control": {"kind": "I", "byte": "32", "ns": 1, "nr": 1, "pf": true},
     "hcs": "F672", "fcs": "601A",
     "llc": {"dsap": "E6", "ssap": "E6", "quality": "00"},
     "apdu": {"apdu": "GetRequestNormal", ...}}

HCS and FCS are checked (a mismatch is a DecodeError that says what the frame
carries and what its bytes give) and shown as their two bytes on the wire,
low byte first.  Which address is the server's follows from the address sizes
(a client address has one byte), else from the LLC header (E6 E6 command,
E6 E7 response), else from the frame kind (SNRM and DISC come from the
client, UA, DM and FRMR from the server); when nothing tells, both are shown
as plain {"address", "size"}.

An APDU split over I frames (the segmentation bit) is put back together:
each segment shows its "information" bytes and the last one the whole APDU.
An APDU this build cannot read leaves its bytes in "information" and the
reason in "apdu_error"; the frame is still shown.  Ciphered APDUs are shown
by cipherview (their parts, and the plain APDU when the keys are given).
SNRM and UA show their parameters and, for `encode`, their exact bytes.

    {"frame": "wrapper", "version": 1, "source_wport": 16, "destination_wport": 1,
     "length": 13, "apdu": {...}}
"""

from microcosem.errors import DecodeError, DlmsError, IncompleteData
from microcosem.profiles import hdlc_frame as hf
from microcosem.profiles import wrapper
from microcosem.profiles.crc16 import crc16

from .cipherview import ApduView
from .jsonview import _bool, _err, _hex, _int, _object, _str, apdu_from_json

# IEC 62056-46 8.4.1 / Green Book 8.4.4: LLC header of every I (and UI) frame
# that carries the start of an APDU.
LLC_COMMAND = b"\xE6\xE6\x00"
LLC_RESPONSE = b"\xE6\xE7\x00"

_FROM_CLIENT_KINDS = (hf.SNRM, hf.DISC)
_FROM_SERVER_KINDS = (hf.UA, hf.DM, hf.FRMR)


def _tohex(b):
    return bytes(b).hex().upper()


def _crc_bytes(buf, at):
    return _tohex(buf[at:at + 2])


class HdlcView:
    """Turns bytes holding whole HDLC frames into frame views.

    One view serves a whole capture, so that the segments of an APDU may come
    on different lines; segments are kept per (destination, source) pair."""

    def __init__(self, apdus=None):
        self._pending = {}
        self.apdus = apdus or ApduView()  # shows the APDUs, ciphered ones too

    def frames(self, buf):
        """The views of every frame in `buf` (frames back to back, a shared or
        repeated flag between them allowed), in order."""
        views = []
        pos = 0
        end = len(buf)
        while pos < end:
            while pos + 1 < end and buf[pos] == hf.FLAG and buf[pos + 1] == hf.FLAG:
                pos += 1  # inter-frame fill, or a closing flag then an opening one
            if pos + 1 == end and buf[pos] == hf.FLAG:
                break  # trailing fill
            frame = self._decode_frame(buf, pos, end)
            views.append(self._view(buf, frame))
            pos = frame.end + 1
            if pos < end and buf[pos] != hf.FLAG:
                pos = frame.end  # one flag closes this frame and opens the next
        return views

    @staticmethod
    def _decode_frame(buf, pos, end):
        try:
            return hf.decode_frame(buf, pos, end)
        except IncompleteData:
            raise
        except DecodeError as e:
            if "mismatch" in e.message and e.offset is not None and e.offset + 2 <= end:
                # name both values: a bench engineer hunting a CRC bug wants them
                good = crc16(buf, pos + 1, e.offset)
                raise DecodeError("%s: the frame carries %s, its bytes give %02X%02X"
                                  % (e.message, _crc_bytes(buf, e.offset), good & 0xFF,
                                     good >> 8), e.offset)
            raise

    def _view(self, buf, f):
        kind = f.kind
        info = bytes(buf[f.info_start:f.info_end]) if f.has_info else b""
        key = (f.dst, f.src)
        pending = self._pending.get(key)
        llc = None
        if (kind in (hf.I, hf.UI) and pending is None
                and info[:3] in (LLC_COMMAND, LLC_RESPONSE)):
            llc = info[:3]  # only the first segment of an APDU has one
        # A client address is one byte (Green Book 8.4.2.2): a longer one is
        # the server's, whatever else the frame says.
        from_client = None
        if f.dst_size > 1 and f.src_size == 1:
            from_client = True
        elif f.src_size > 1 and f.dst_size == 1:
            from_client = False
        elif llc is not None:
            from_client = llc == LLC_COMMAND
        elif kind in _FROM_CLIENT_KINDS:
            from_client = True
        elif kind in _FROM_SERVER_KINDS:
            from_client = False
        v = {"frame": "hdlc", "flag": "7E",
             "format": {"type": 3, "segmented": f.segmented, "length": f.end - f.start - 1,
                        "bytes": _tohex(buf[f.start + 1:f.start + 3])}}
        v["destination"] = _address(f.dst, f.dst_size, from_client)
        v["source"] = _address(f.src, f.src_size,
                               None if from_client is None else not from_client)
        c = {"kind": hf.kind_name(kind), "byte": "%02X" % f.control}
        if kind == hf.I:
            c["ns"] = f.ns
        if kind in (hf.I, hf.RR, hf.RNR, hf.REJ, hf.SREJ):
            c["nr"] = f.nr
        c["pf"] = f.pf
        v["control"] = c
        if f.has_info:
            v["hcs"] = _crc_bytes(buf, f.info_start - 2)
        v["fcs"] = _crc_bytes(buf, f.end - 2)
        if not f.has_info:
            return v
        if kind in (hf.SNRM, hf.UA):
            v["information"] = _tohex(info)  # the parameters' exact bytes, for encode
            try:
                p = hf.decode_parameters(info)
            except DecodeError:
                pass
            else:
                v["parameters"] = {"max_info_field_length_transmit": p[0],
                                   "max_info_field_length_receive": p[1],
                                   "window_size_transmit": p[2], "window_size_receive": p[3]}
            return v
        if kind not in (hf.I, hf.UI):
            v["information"] = _tohex(info)
            return v
        payload = info
        if llc is not None:
            v["llc"] = {"dsap": "E6", "ssap": "%02X" % llc[1], "quality": "00"}
            payload = info[3:]
        if f.segmented:
            if pending is None:
                pending = self._pending[key] = [bytearray(), 0]
            pending[0] += payload
            pending[1] += 1
            v["information"] = _tohex(payload)
            v["segment"] = pending[1]
            return v
        if pending is not None:
            del self._pending[key]
            v["information"] = _tohex(payload)
            v["segment"] = pending[1] + 1
            payload = bytes(pending[0] + payload)
        try:
            v["apdu"] = self.apdus.view(payload)
        except DecodeError as e:
            # A frame is worth seeing even when its APDU is not one this build
            # reads (a ciphered glo-get-request, say): the bytes and why.
            if "information" not in v:
                v["information"] = _tohex(payload)
            v["apdu_error"] = str(e)
        return v


def _address(value, size, is_server):
    if is_server is None:
        return {"address": value, "size": size}
    if not is_server:
        if size != 1:
            return {"address": value, "size": size}
        return {"client_sap": value, "size": size}
    upper, lower = hf.split_server_address(value, size)
    return {"server_upper": upper, "server_lower": lower, "size": size}


def wrapper_frames(buf, apdus=None):
    """The views of every wrapper frame in `buf` (frames back to back); `apdus`
    an ApduView."""
    apdus = apdus or ApduView()
    views = []
    pos = 0
    end = len(buf)
    while pos < end:
        version = (buf[pos] << 8) | buf[pos + 1] if pos + 1 < end else None
        source, destination, length = wrapper.decode_header(buf, pos, end)
        stop = pos + wrapper.HEADER_SIZE + length
        if stop > end:
            raise IncompleteData("wrapper frame of %d APDU bytes, %d present"
                                 % (length, end - pos - wrapper.HEADER_SIZE), pos + 6)
        v = {"frame": "wrapper", "version": version, "source_wport": source,
             "destination_wport": destination, "length": length}
        payload = bytes(buf[pos + wrapper.HEADER_SIZE:stop])
        try:
            v["apdu"] = apdus.view(payload)
        except DecodeError as e:
            v["information"] = _tohex(payload)
            v["apdu_error"] = str(e)
        views.append(v)
        pos = stop
    return views


# ------------------------------------------------------------------ back to bytes
# `microcosem encode` takes a frame view too.  The format's length and bytes,
# hcs and fcs are worked out again (an edited APDU changes them); everything
# else is taken as shown.

_KINDS = {hf.kind_name(k): k for k in (hf.I, hf.RR, hf.RNR, hf.REJ, hf.SREJ, hf.SNRM, hf.DISC,
                                       hf.UA, hf.DM, hf.FRMR, hf.UI)}
_HDLC_KEYS = ("frame", "flag", "format", "destination", "source", "control", "hcs", "fcs", "llc",
              "information", "parameters", "segment", "apdu", "apdu_error")
_WRAPPER_KEYS = ("frame", "version", "source_wport", "destination_wport", "length",
                 "information", "apdu", "apdu_error")


def frame_from_json(j, path=""):
    """The bytes of a frame view (a dict whose "frame" is "hdlc" or "wrapper")."""
    kind = j.get("frame")
    path = (path + "." if path else "") + "frame"
    if kind == "wrapper":
        _object(j, path, ("frame", "source_wport", "destination_wport"), _WRAPPER_KEYS)
        if j.get("version", 1) != 1:
            raise _err(path + ".version", "the wrapper has version 1 only")
        return wrapper.wrap(_int(j["source_wport"], path + ".source_wport", 0, 0xFFFF),
                            _int(j["destination_wport"], path + ".destination_wport", 0, 0xFFFF),
                            _payload(j, path))
    if kind != "hdlc":
        raise _err(path, "%r is neither hdlc nor wrapper" % (kind,))
    _object(j, path, ("frame", "destination", "source", "control"), _HDLC_KEYS)
    fmt = _object(j.get("format", {}), path + ".format", (),
                  ("type", "segmented", "length", "bytes"))
    segmented = _bool(fmt.get("segmented", False), path + ".format.segmented")
    control = _control(j["control"], path + ".control")
    dst = _address_bytes(j["destination"], path + ".destination")
    src = _address_bytes(j["source"], path + ".source")
    info = None
    if "information" in j or "apdu" in j or "llc" in j:
        info = bytearray()
        if j.get("llc") is not None:
            llc = _object(j["llc"], path + ".llc", ("ssap",), ("dsap", "quality"))
            ssap = _str(llc["ssap"], path + ".llc.ssap").upper()
            if ssap not in ("E6", "E7"):
                raise _err(path + ".llc.ssap", "E6 (command) or E7 (response)")
            info += LLC_COMMAND if ssap == "E6" else LLC_RESPONSE
        info += _payload(j, path)
    elif "parameters" in j:
        p = _object(j["parameters"], path + ".parameters", _PARAMETERS)
        info = hf.encode_parameters(bytearray(), *(
            _int(p[k], path + ".parameters." + k, 0, 0xFFFFFFFF) for k in _PARAMETERS))
    out = bytearray()
    try:
        hf.encode_frame(out, control, dst, src, info, segmented=segmented)
    except DlmsError as e:
        raise _err(path, str(e))
    return bytes(out)


_PARAMETERS = ("max_info_field_length_transmit", "max_info_field_length_receive",
               "window_size_transmit", "window_size_receive")


def _payload(j, path):
    # a segment, or an APDU the view could not read, has only its bytes
    if j.get("information") is not None:
        return _hex(j["information"], path + ".information")
    if j.get("apdu") is not None:
        return apdu_from_json(j["apdu"], path + ".apdu").to_bytes()
    return b""


def _control(j, path):
    _object(j, path, ("kind",), ("byte", "ns", "nr", "pf"))
    if "byte" in j:
        b = _hex(j["byte"], path + ".byte")
        if len(b) != 1:
            raise _err(path + ".byte", "one byte")
        return b[0]
    name = _str(j["kind"], path + ".kind")
    if name not in _KINDS:
        raise _err(path + ".kind", "%r is none of %s" % (name, ", ".join(_KINDS)))
    k = _KINDS[name]
    c = k | (hf.PF if _bool(j.get("pf", False), path + ".pf") else 0)
    if k == hf.I:
        c |= _int(j.get("ns", 0), path + ".ns", 0, 7) << 1
    if k in (hf.I, hf.RR, hf.RNR, hf.REJ, hf.SREJ):
        c |= _int(j.get("nr", 0), path + ".nr", 0, 7) << 5
    return c


def _address_bytes(j, path):
    if isinstance(j, dict) and "client_sap" in j:
        _object(j, path, ("client_sap",), ("size",))
        value, size = _int(j["client_sap"], path + ".client_sap", 0, 0x7F), j.get("size", 1)
    elif isinstance(j, dict) and "server_upper" in j:
        _object(j, path, ("server_upper",), ("server_lower", "size"))
        upper = _int(j["server_upper"], path + ".server_upper", 0, 0x3FFF)
        lower = j.get("server_lower")
        size = j.get("size")
        if size is not None:
            _int(size, path + ".size", 1, 4)
        try:
            if lower is None:
                return hf.server_address(upper, None, size)
            return hf.server_address(upper, _int(lower, path + ".server_lower", 0, 0x3FFF), size)
        except DlmsError as e:
            raise _err(path, str(e))
    else:
        _object(j, path, ("address", "size"))
        value, size = _int(j["address"], path + ".address", 0, 0x0FFFFFFF), j["size"]
    try:
        return hf.encode_address(value, _int(size, path + ".size", 1, 4))
    except DlmsError as e:
        raise _err(path, str(e))


def detect(buf):
    """'hdlc', 'wrapper' or None (a bare APDU), from the first bytes."""
    if buf[:1] == b"\x7E":
        return "hdlc"
    if buf[:2] == b"\x00\x01":
        return "wrapper"
    return None
