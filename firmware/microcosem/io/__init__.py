"""The only code that does I/O: adapters joining the sans-IO layers to sockets and UARTs.

    wrapper_link.WrapperLink   TCP wrapper framing (IEC 62056-47) -> Server.handle
    hdlc_link.HdlcLink         HDLC server engine (IEC 62056-46) -> Server.handle
    tcp.serve_tcp              asyncio TCP listener, transport "wrapper" or "hdlc"
    serial.serve_hdlc          asyncio loop of an HdlcLink on a UART (optical, RS-485)
    client_link.open_tcp       our Client under asyncio: AsyncSession over WrapperStream
                               or HdlcStream (TCP, or any asyncio stream)

The two links are sans-IO themselves (bytes and now_ms in, bytes out); the
asyncio parts around them are a few lines each.
"""
