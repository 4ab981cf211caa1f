# heapsize: 80k
# (64k + 16k: with 64k it had under 8k to spare, `tools/mptest.py --margin 8k`;
#  a heap laid out a little otherwise, as on a fresh clone, could tip it)
"""Any bytes given to the gateway and SMS decoders raise DecodeError or
decode; mutated messages too; SMS parts shuffled, repeated and mixed with
noise still give back every message (a seeded generator: the same cases
on both runtimes)."""

from fuzz_rand import Rand

from microcosem.errors import DecodeError
from microcosem.profiles.gateway import decode_gateway, gateway_request, gateway_response
from microcosem.profiles.sms import SmsReassembler, segment_sms


def test_gateway_decoder_never_raises_anything_else():
    r = Rand(1)
    good = gateway_request(0, b"\x11", b"\xC0\x01\xC1\x00\x03\x01\x00\x01\x08\x00\xFF\x02\x00")
    for i in range(1500):
        if i % 3 == 0:
            buf = r.bytes(r.next(12))
            if buf:
                buf = bytes((0xE6 + r.next(2),)) + buf[1:]
        else:
            b = bytearray(good if i % 2 else gateway_response(r.next(256), r.bytes(1 + r.next(9)), r.bytes(1 + r.next(20))))
            for _ in range(1 + r.next(3)):
                b[r.next(len(b))] = r.next(256)
            buf = bytes(b[:r.next(len(b) + 1)])
        try:
            tag, net, addr, apdu = decode_gateway(buf)
        except DecodeError:
            continue
        assert tag in (0xE6, 0xE7) and 0 < len(addr) <= 64 and len(apdu) > 0
        assert bytes(buf) == bytes((tag, net, len(addr))) + addr + bytes(apdu) or buf[2] == 0x81


def test_sms_parts_in_any_order_with_repeats_and_noise():
    r = Rand(7)
    asm = SmsReassembler(max_apdu=1200, max_pending=8)
    for round_ in range(12):
        msgs = []
        air = []
        for k in range(1 + r.next(3)):
            apdu = r.bytes(1 + r.next(900))
            ref = (round_ * 3 + k) & 0xFF
            msgs.append((0x01, 0x10 + k, apdu))
            air += [(p, u, "sender%d" % k) for p, u in segment_sms(0x01, 0x10 + k, apdu, ref)]
        # repeats and shuffling
        for _ in range(r.next(4)):
            air.append(air[r.next(len(air))])
        for i in range(len(air) - 1, 0, -1):
            j = r.next(i + 1)
            air[i], air[j] = air[j], air[i]
        got = []
        for p, u, who in air:
            m = asm.feed(p, u, who)
            if m is not None:
                got.append(m)
            if r.next(4) == 0:   # noise between the parts: refused or taken as a one-SMS message
                try:
                    asm.feed(r.bytes(r.next(20)), r.next(2) == 1, "noise")
                except DecodeError:
                    pass
        assert sorted(got) == sorted(msgs), round_
