"""`microcosem associate`: open an association, show what the AARE gave, release.

    result            accepted
    mechanism         high-gmac
    context           logical-name-with-ciphering
    server title      4D4D4D0000BC614E
    dlms version      6
    max pdu           1024 (the meter's server-max-receive-pdu-size)
    conformance       get, set, action, block-transfer-with-get-or-read, ...

A refused association ends as one line naming the result and the
diagnostic (rejected-permanent: acse-service-user: authentication-failure)
with what to try.
"""

from microcosem.apdu.acse import name_of
from microcosem.apdu.initiate import conformance_names

from .. import meters
from .get import print_json


def register(sub):
    p = sub.add_parser("associate", help="associate with a meter and show the AARE",
                       description="Open an association, show the negotiated conformance, "
                                   "max PDU size, DLMS version and mechanism, then release.")
    meters.add_arguments(p)
    p.set_defaults(func=run)


def run(args):
    from microcosem.apdu import names

    s = meters.resolve(args)
    with meters.Meter(s) as m:
        client = m.session.client
        aare = client.aare
        init = m.initiate
    title = aare.responding_ap_title
    info = {
        "result": name_of(names.RESULT_NAMES, aare.result) or aare.result,
        # the AARE may leave mechanism-name out (it is the AARQ's): the one proposed then
        "mechanism": name_of(names.MECHANISM_NAMES, aare.mechanism_name
                             if aare.mechanism_name is not None
                             else client.settings.mechanism) or aare.mechanism_name,
        "context": name_of(names.CONTEXT_NAMES, aare.application_context_name)
        or aare.application_context_name,
        "server_system_title": bytes(title).hex().upper() if title else None,
        "dlms_version": init.negotiated_dlms_version_number,
        "max_pdu": client.server_max_pdu,
        "conformance": list(conformance_names(client.conformance)),
        "client_sap": s["client"],
        "server": s["server"],
    }
    if args.json:
        print_json(info)
        return 0
    rows = (("result", info["result"]), ("mechanism", info["mechanism"]),
            ("context", info["context"]),
            ("server title", info["server_system_title"] or "-"),
            ("dlms version", str(info["dlms_version"])),
            ("max pdu", "%d (the meter's server-max-receive-pdu-size)" % info["max_pdu"]),
            ("conformance", ", ".join(info["conformance"]) or "(none)"))
    print("association with %s, logical device %d:" % (meters.describe(s), s["server"]))
    for k, v in rows:
        print("  %-14s %s" % (k, v))
    return 0
