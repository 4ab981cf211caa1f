"""The server engine: `Server(model, configs).handle(apdu, client_sap, now_ms)`."""
