"""What the HDLC tests share: the pending events of a sans-IO link (HDLC, mode E,
a serial pump), and one frame's bytes."""

from microcosem.profiles.hdlc_frame import encode_frame


def events(link):
    """Every event the link has ready, in order."""
    out = []
    e = link.next_event()
    while e is not None:
        out.append(e)
        e = link.next_event()
    return out


def frame(control, dst, src, info=None, segmented=False):
    """The bytes of one frame, flags, HCS and FCS included."""
    out = bytearray()
    encode_frame(out, control, dst, src, info, segmented=segmented)
    return bytes(out)
