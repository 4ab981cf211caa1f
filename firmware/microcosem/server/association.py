"""The state a server keeps for one client SAP: the `ctx` every object receives.

Fields the COSEM objects may read (MODEL.md):

    client_sap, config (AssociationConfig), model (ObjectModel), server (the
    engine), now_ms, last_ms (now_ms of the APDU before, None before any), status (NON_ASSOCIATED / ASSOCIATION_PENDING /
    ASSOCIATED, the values of Association LN association_status),
    authenticated, conformance (negotiated), context (application context in
    force), max_pdu (the largest APDU the server sends: the smaller of the
    client's and the server's max-receive-pdu-size), security (None or the
    ciphering hook), client_system_title (calling-AP-title of the AARQ),
    dedicated_key (of the InitiateRequest, or None), ctos / stoc (the HLS
    challenges, bytes or None).

The rest (names with a leading underscore) is the engine's: a long GET /
ACTION answer being sent block by block, a long SET / ACTION request being
gathered.
"""

from ..compat import const

# association_status (IEC 62056-6-2, Association LN attribute 8)
NON_ASSOCIATED = const(0)
ASSOCIATION_PENDING = const(1)
ASSOCIATED = const(2)


class AssociationContext:
    def __init__(self, server, config):
        self.server = server
        self.config = config
        self.model = server.model
        self.client_sap = config.client_sap
        self.security = config.security
        self.now_ms = 0
        self.last_ms = None  # now_ms of the last APDU, for the inactivity time-out
        self.reset()

    def reset(self):
        """Back to the state before any AARQ (or to the pre-established one)."""
        cfg = self.config
        self.status = NON_ASSOCIATED
        self.authenticated = False
        self.conformance = 0
        self.context = cfg.context
        self.max_pdu = cfg.max_pdu
        self.client_max_pdu = None
        self.client_system_title = None
        self.dedicated_key = None
        self.ctos = None
        self.stoc = None
        self.abort_transfers()
        if cfg.pre_established:
            # Green Book 7.2.4: exists without AARQ, with what the config offers
            self.status = ASSOCIATED
            self.authenticated = cfg.mechanism == 0
            self.conformance = cfg.conformance

    def abort_transfers(self):
        self._out = None   # (kind, invoke_id_and_priority, BlockSource): a long answer
        self._in = None    # (kind, invoke_id_and_priority, target, BlockSink): a long request

    @property
    def associated(self):
        return self.status == ASSOCIATED

    def __repr__(self):
        return "AssociationContext(client_sap=%r, status=%d)" % (self.client_sap, self.status)
