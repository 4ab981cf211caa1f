"""Unsolicited APDUs a server pushes (IEC 62056-5-3, 9.3.10-9.3.11 and 9.5).

    Data-Notification [15] ::= SEQUENCE {
        long-invoke-id-and-priority  Long-Invoke-Id-And-Priority,
        date-time                    OCTET STRING,
        notification-body            Data }

  date-time is a plain (not OPTIONAL) octet string whose length is 0 when the
  server sends no time, else 12 (a COSEM date-time): `0F 00000001 00 ...` or
  `0F 00000001 0C 07E4... ...`.  Here a zero-length date-time is None.  (The
  dlms-cosem package writes a present time as `01` + 12 bytes; Gurux and the
  Green Book's examples use the length form.)

    Event-Notification-Request [194] ::= SEQUENCE {
        time                         OCTET STRING OPTIONAL,
        cosem-attribute-descriptor   Cosem-Attribute-Descriptor,
        attribute-value              Data }

  Here time is a true OPTIONAL: `C2 00 ...` without, `C2 01 0C <12 bytes> ...` with.
  Gurux writes the present time as a Data octet-string, `C2 09 0C <12 bytes>`
  (its reader takes any non-zero marker); that form is read too, and written
  back with the standard marker 01.
"""

from ..axdr import decode_data, encode_data
from ..compat import const
from ..errors import DecodeError
from .common import (
    ServiceApdu, decode_descriptor, decode_octet_string, decode_u8, decode_u32,
    encode_descriptor, encode_octet_string, encode_u32,
)

_DATA_NOTIFICATION = const(0x0F)
_EVENT_NOTIFICATION_REQUEST = const(0xC2)
_GURUX_TIME_MARKER = const(0x09)  # the octet-string Data tag, where A-XDR puts 01


class DataNotification(ServiceApdu):
    """long_invoke_id_and_priority: the raw Unsigned32 (see common.long_invoke_id_and_priority);
    date_time: None or the octet string's bytes (normally 12); body: Data."""

    TAG = _DATA_NOTIFICATION
    FIELDS = ("long_invoke_id_and_priority", "date_time", "body")

    def _encode_body(self, out):
        encode_u32(out, self.long_invoke_id_and_priority)
        if self.date_time is None:
            out.append(0)
        elif len(self.date_time) == 0:
            raise ValueError("an empty date-time is written as None")
        else:
            encode_octet_string(out, self.date_time)
        encode_data(out, self.body)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        iip, pos = decode_u32(buf, pos, end)
        dt, pos = decode_octet_string(buf, pos, end)
        body, pos = decode_data(buf, pos, end)
        return cls(long_invoke_id_and_priority=iip, date_time=dt or None, body=body), pos


class EventNotificationRequest(ServiceApdu):
    """time: None or the octet string's bytes; attribute_descriptor: (class_id,
    instance_id, attribute_id); value: Data."""

    TAG = _EVENT_NOTIFICATION_REQUEST
    FIELDS = ("time", "attribute_descriptor", "value")

    def _encode_body(self, out):
        if self.time is None:
            out.append(0)
        else:
            out.append(1)
            encode_octet_string(out, self.time)
        encode_descriptor(out, self.attribute_descriptor)
        encode_data(out, self.value)

    @classmethod
    def _decode_body(cls, buf, pos, end):
        m, pos = decode_u8(buf, pos, end)
        t = None
        if m == 1 or m == _GURUX_TIME_MARKER:
            t, pos = decode_octet_string(buf, pos, end)
        elif m:
            raise DecodeError("bad OPTIONAL marker 0x%02X" % m, pos - 1)
        d, pos = decode_descriptor(buf, pos, end)
        v, pos = decode_data(buf, pos, end)
        return cls(time=t, attribute_descriptor=d, value=v), pos


def __getattr__(name):
    # the *_NAMES tables and the constants only the CLI uses live in apdu/names.py
    # (not __path__ and the like, which CPython's import machinery asks for)
    if name[0] == "_":
        raise AttributeError(name)
    from . import names
    return getattr(names, name)
