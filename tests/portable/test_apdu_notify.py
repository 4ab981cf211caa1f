# heapsize: 128k
# (measured need 96k on the 64-bit unix port, which keeps the loaded .mpy code of the
# APDU modules and the A-XDR codec in the heap; the rest is room for the shared codecs to grow)
"""DataNotification and EventNotificationRequest (Green Book 9.3.10-9.3.11, 9.5)."""

from apdu_check import check, malformed, refuses
from checks import raises, unhex
from microcosem.apdu.common import (long_invoke_id_and_priority,
                                    split_long_invoke_id_and_priority)
from microcosem.apdu.notify import DataNotification, EventNotificationRequest
from microcosem.axdr import DOUBLE_LONG_UNSIGNED, LONG_UNSIGNED, OCTET_STRING, STRUCTURE
from microcosem.errors import EncodeError

TIME = unhex("07 E5 0C 1F 05 17 3B 3B 00 FF C4 00")
CLOCK = unhex("00 00 01 00 00 FF")
# a 34-byte octet-string body, dlms-cosem's push example
BODY = unhex("12 5A 85 91 36 00 00 00 00 49 00 00 00 11 00 00 00 0A 5A 85 13 D0 14 80 00 00 00"
             " 0D 00 00 00 0A 01 00")


def test_long_invoke_id_and_priority():
    assert long_invoke_id_and_priority(1) == 0x00000001
    assert long_invoke_id_and_priority(1, confirmed=True, high_priority=True) == 0xC0000001
    assert long_invoke_id_and_priority(0xFFFFFF, break_on_error=True, self_descriptive=True) \
        == 0x30FFFFFF
    assert split_long_invoke_id_and_priority(0xC0000001) == (1, True, True, False, False)
    assert split_long_invoke_id_and_priority(0x30FFFFFF) == (0xFFFFFF, False, False, True, True)
    raises(EncodeError, long_invoke_id_and_priority, 0x1000000)


def test_data_notification_without_time():
    # 0F | 000001DB long-invoke-id 475 | 00 no date-time | 09 22 <34 bytes>
    check(DataNotification, "0F 00 00 01 DB 00 09 22 " + BODY.hex(),
          DataNotification(long_invoke_id_and_priority=475, date_time=None,
                           body=(OCTET_STRING, BODY)))


def test_data_notification_with_time():
    # 0F | 40000001 confirmed, id 1 | 0C <date-time> | 02 02 12 0005 06 00000001
    check(DataNotification, "0F 40 00 00 01 0C " + TIME.hex() + " 02 02 12 00 05 06 00 00 00 01",
          DataNotification(long_invoke_id_and_priority=0x40000001, date_time=TIME,
                           body=(STRUCTURE, [(LONG_UNSIGNED, 5), (DOUBLE_LONG_UNSIGNED, 1)])))


def test_event_notification():
    # C2 | 00 no time | 0008 0000010000FF 02 | 09 0C <date-time>: the clock's time changed
    check(EventNotificationRequest, "C2 00 0008 0000010000FF 02 09 0C " + TIME.hex(),
          EventNotificationRequest(time=None, attribute_descriptor=(8, CLOCK, 2),
                                   value=(OCTET_STRING, TIME)))
    # with a time: 01 marker, 0C length, the date-time (as Gurux reads it)
    check(EventNotificationRequest, "C2 01 0C " + TIME.hex() + " 0001 0000600B00FF 02 12 00 01",
          EventNotificationRequest(time=TIME, attribute_descriptor=(1, unhex("0000600B00FF"), 2),
                                   value=(LONG_UNSIGNED, 1)))


def test_event_notification_as_gurux_writes_it():
    # Gurux marks the time present with 09 (a Data octet-string); read, and written back with 01
    b = unhex("C2 09 0C " + TIME.hex() + " 0001 0000600100FF 02 12 00 05")
    a = EventNotificationRequest.from_bytes(b)
    assert a == EventNotificationRequest(time=TIME, attribute_descriptor=(1, unhex("0000600100FF"), 2),
                                         value=(LONG_UNSIGNED, 5))
    assert a.to_bytes() == b[:1] + b"\x01" + b[2:]


def test_malformed_notifications():
    malformed((
        "0F 00 00 01 DB 0C 07 E5",            # date-time cut short
        "0F 00 00 01 DB 00 08",                # Data tag 8
        "C2 02 0008 0000010000FF 02 00",       # OPTIONAL marker 2
        "C2 0A 0C 0008 0000010000FF 02 00",    # nor 0A (only Gurux's 09 is read as 01)
        "C2 00 0008 0000010000",               # descriptor cut short
    ))


def test_bad_values():
    refuses((
        DataNotification(long_invoke_id_and_priority=1 << 32, body=(LONG_UNSIGNED, 1)),
        DataNotification(long_invoke_id_and_priority=1, date_time=b"", body=(LONG_UNSIGNED, 1)),
        DataNotification(long_invoke_id_and_priority=1, date_time=5, body=(LONG_UNSIGNED, 1)),
        DataNotification(long_invoke_id_and_priority=1),
        EventNotificationRequest(time="now", attribute_descriptor=(8, CLOCK, 2),
                                 value=(LONG_UNSIGNED, 1)),
        EventNotificationRequest(attribute_descriptor=(8, CLOCK, 2)),
        EventNotificationRequest(attribute_descriptor=(8, CLOCK), value=(LONG_UNSIGNED, 1)),
    ))
