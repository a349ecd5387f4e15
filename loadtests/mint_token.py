#!/usr/bin/env python3
"""A user token signed with a local development users key (runtime/development_keys.hpp), for
benchmarks against a service started on loopback without configured keys.

  mint_token.py KEY_PEM SUBJECT ROLE [COUNTRY]    -> prints the token
"""
import base64
import json
import sys
import time

from cryptography.hazmat.primitives import serialization


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), password=None)
now = int(time.time())
header = {"alg": "EdDSA", "typ": "JWT", "kid": "dev-users"}
claims = {"iss": "market", "sub": sys.argv[2], "roles": [sys.argv[3]],
          "country": sys.argv[4] if len(sys.argv) > 4 else "DE", "iat": now, "exp": now + 3600}
signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
print(signing_input + "." + b64(key.sign(signing_input.encode())))
