"""A small but real OpenID Connect provider for the SSO tests (issue 14 §2), run in its own process:
discovery, a JWKS with a fresh RSA key, the authorisation-code flow with PKCE (S256), and RS256-signed ID
tokens. Its "dev interaction" signs in at once whoever the test last named with POST /test/identity (the
claims of that person: sub, tid, oid, hd, email, amr), as oidc-provider's devInteractions would after a
login form. Nothing is mocked on Watchkeeper's side: it talks to this over HTTP like to Entra or Google.

    python tests/oidc/provider.py CLIENT_ID CLIENT_SECRET   # prints the port it listens on, then serves
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = secrets.token_hex(8)
LOCK = threading.Lock()
STATE: dict[str, Any] = {"identity": {}, "codes": {}}


class Handler(BaseHTTPRequestHandler):
    server: Provider

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the tests read their own output
        pass

    def _json(self, body: dict[str, Any], status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> dict[str, str]:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return dict(json.loads(raw))
        return {k: v[0] for k, v in parse_qs(raw).items()}

    def do_GET(self) -> None:
        url = urlparse(self.path)
        issuer = self.server.issuer
        if url.path == "/.well-known/openid-configuration":
            self._json(
                {
                    "issuer": issuer,
                    "authorization_endpoint": f"{issuer}/authorize",
                    "token_endpoint": f"{issuer}/token",
                    "jwks_uri": f"{issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                }
            )
        elif url.path == "/jwks":
            jwk = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
            self._json({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]})
        elif url.path == "/authorize":
            self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
        else:
            self._json({"error": "not_found"}, 404)

    def _authorize(self, query: dict[str, str]) -> None:
        if query.get("client_id") != self.server.client_id or query.get("response_type") != "code":
            self._json({"error": "unauthorized_client"}, 400)
            return
        code = secrets.token_urlsafe(24)
        with LOCK:
            STATE["codes"][code] = {**query, "claims": dict(STATE["identity"]), "at": time.time()}
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        self.send_response(302)
        self.send_header("Location", target)
        self.end_headers()

    def do_POST(self) -> None:
        form = self._form()
        if self.path == "/test/identity":
            with LOCK:
                STATE["identity"] = form
            self._json({"ok": True})
        elif self.path == "/token":
            self._token(form)
        else:
            self._json({"error": "not_found"}, 404)

    def _token(self, form: dict[str, str]) -> None:
        with LOCK:
            grant = STATE["codes"].pop(form.get("code", ""), None)  # a code is used once
        if (
            grant is None
            or form.get("client_id") != self.server.client_id
            or form.get("client_secret") != self.server.client_secret
            or form.get("redirect_uri") != grant["redirect_uri"]
            or not _pkce_ok(grant, form.get("code_verifier", ""))
        ):
            self._json({"error": "invalid_grant"}, 400)
            return
        now = int(time.time())
        claims = {
            "iss": self.server.issuer,
            "aud": self.server.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.get("nonce"),
            **grant["claims"],
        }
        if isinstance(claims.get("amr"), str):
            claims["amr"] = [v for v in claims["amr"].split(",") if v]
        token = jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": KID})
        self._json({"id_token": token, "access_token": secrets.token_urlsafe(24), "token_type": "Bearer"})


def _pkce_ok(grant: dict[str, Any], verifier: str) -> bool:
    if grant.get("code_challenge_method") != "S256":
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == grant.get("code_challenge")


class Provider(ThreadingHTTPServer):
    def __init__(self, client_id: str, client_secret: str) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server_address[1]}"
        self.client_id, self.client_secret = client_id, client_secret


if __name__ == "__main__":
    server = Provider(sys.argv[1], sys.argv[2])
    print(server.server_address[1], flush=True)
    server.serve_forever()
