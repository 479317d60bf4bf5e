"""Running the web form with Waitress: one process, several threads, localhost unless told otherwise."""

from __future__ import annotations

from collections.abc import Callable

from tendergen import api
from tendergen.web.app import MAX_REQUEST_BYTES, create_app

PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"}


def serve(session: api.Session, host: str = "127.0.0.1", port: int = 8000, *, threads: int = 8,
          trusted_proxy: str | None = None, url_prefix: str = "",
          ready: Callable[[str], None] | None = None) -> None:
    """Serve the web form until interrupted.

    Behind a reverse proxy, name it in `trusted_proxy` so that its X-Forwarded-* headers (and only its) are
    believed, and give the path it publishes the form under as `url_prefix`.
    """
    from waitress.server import create_server

    extra: dict[str, object] = {}
    if trusted_proxy:
        extra = {"trusted_proxy": trusted_proxy, "trusted_proxy_headers": PROXY_HEADERS,
                 "clear_untrusted_proxy_headers": True}
    server = create_server(create_app(session), host=host, port=port, threads=threads,
                           max_request_body_size=MAX_REQUEST_BYTES, url_prefix=url_prefix,
                           ident="tendergen", **extra)
    if ready is not None:
        shown = f"[{host}]" if ":" in host else host
        ready(f"http://{shown}:{getattr(server, 'effective_port', port)}{url_prefix}/")
    try:
        server.run()
    finally:
        server.close()
