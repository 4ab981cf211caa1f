# workheap: 48k
# Issue 7's target is a ciphered HLS-GMAC association and a 1000-row profile read by range
# with 48k of heap for the work, beyond the code (frozen in flash on a board; mptest measures
# what the imported code keeps on the unix port and gives this module the budget on top).
# Measured (client and server together in one heap, the model built in it): it passes with
# every work heap from 38.5k up (tried in 512-byte steps; below, a 1 KiB buffer of a block
# finds no free run: the heap is split, not full), and from 28k when the work has one
# contiguous free run, as on a board.  ciphering.protect still makes three 1 KiB copies
# of each block (SC || IC, C || T, then the tag and length concatenated); built in one
# buffer (Gcm.encrypt(out=)) the run passed from 36k.
# The rows are in a file ring, as a board keeps them; building them is part of the work.
"""HLS-GMAC and every APDU authenticated and encrypted (suite 0), then the
whole 1000-row load profile by range, block by block."""

from heap_meter import LP, RowCounter, by_range, model, remove

# the APDU modules the exchange loads on first use (the HLS reply is an ACTION, then
# GETs): code, imported here with the rest so that it is counted as code (a board
# has it frozen in flash), not loaded into the middle of the work's heap
import microcosem.apdu.action  # noqa: F401
import microcosem.apdu.get  # noqa: F401
from microcosem.apdu.acse import CONTEXT_LN_CIPHERED
from microcosem.client import Client, ClientSettings, Session
from microcosem.security.ciphering import ClientSecurity, ServerSecurity
from microcosem.security.hls import ClientAuthenticator, Hls, ServerAuthenticator
from microcosem.server.config import AssociationConfig
from microcosem.server.engine import Server

EK = bytes(range(16))
AK = bytes(range(0xD0, 0xE0))
METER = bytes.fromhex("4D4D4D0000BC614E")
HEAD_END = bytes.fromhex("4D4D4D0000000001")


def test_ciphered_association_and_1000_rows_by_range():
    m, root = model(1000)
    try:
        sec = ServerSecurity(METER, EK, AK, ic=1)
        server = Server(m, (AssociationConfig(
            1, context=CONTEXT_LN_CIPHERED, mechanism=5, security=sec, max_pdu=1024,
            authenticator=ServerAuthenticator(Hls(5, ek=EK, ak=AK), security=sec)),))
        csec = ClientSecurity(HEAD_END, EK, AK, ic=1)
        wire = []

        def send(apdu):
            wire.append(apdu[0])
            return server.handle(apdu, 1, 0)

        s = Session(Client(ClientSettings(
            client_sap=1, context=CONTEXT_LN_CIPHERED, mechanism=5, calling_ap_title=HEAD_END,
            security=csec, authenticator=ClientAuthenticator(Hls(5, ek=EK, ak=AK), csec))), send)
        s.associate()
        assert server.context(1).authenticated
        rows = RowCounter()
        s.get(7, LP, 2, selector=by_range(0, 999), into=rows)
        assert rows.rows == 1000 and rows.bad == 0, (rows.rows, rows.bad)
        # nothing but ACSE and ciphered APDUs went over the wire
        assert all(t in (0x60,) or t >= 0xC8 for t in wire), wire
        s.release()
    finally:
        remove(root)
