"""A CAS 3.0 server on 127.0.0.1 for the tests: /login signs in whoever the test names and
sends the browser back with a service ticket; /p3/serviceValidate answers as the protocol
says (a ticket works once, for the service it was issued to, with the person's attributes);
/logout ends its session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape


@dataclass
class CasServer:
    url: str = ""
    user: str = "T2024001"
    attributes: dict[str, str] = field(default_factory=dict)
    tickets: dict[str, str] = field(default_factory=dict)  # ticket -> service
    validations: list[dict] = field(default_factory=list)
    logouts: list[dict] = field(default_factory=list)

    def answer(self, ticket: str, service: str) -> str:
        issued_for = self.tickets.pop(ticket, None)
        if issued_for is None or issued_for != service:
            code = "INVALID_TICKET" if issued_for is None else "INVALID_SERVICE"
            return (f'<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
                    f'<cas:authenticationFailure code="{code}">no</cas:authenticationFailure>'
                    f"</cas:serviceResponse>")
        attributes = "".join(f"<cas:{k}>{escape(v)}</cas:{k}>"
                             for k, v in self.attributes.items())
        return (f'<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
                f"<cas:authenticationSuccess><cas:user>{escape(self.user)}</cas:user>"
                f"<cas:attributes>{attributes}</cas:attributes>"
                f"</cas:authenticationSuccess></cas:serviceResponse>")


def handler(server: CasServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body: bytes = b"", location: str = "") -> None:
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/cas/login" and query.get("service"):
                ticket = "ST-" + secrets.token_urlsafe(16)
                server.tickets[ticket] = query["service"]
                self._send(302, location=f"{query['service']}?{urlencode({'ticket': ticket})}")
            elif url.path == "/cas/p3/serviceValidate":
                server.validations.append(query)
                answer = server.answer(query.get("ticket", ""), query.get("service", ""))
                self._send(200, answer.encode())
            elif url.path == "/cas/logout":
                server.logouts.append(query)
                self._send(302, location=query.get("service", server.url))
            else:
                self._send(404)

    return Handler
