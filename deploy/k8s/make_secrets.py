"""The Secrets an overlay needs, with fresh random values, as one JSON list for kubectl.

    python deploy/k8s/make_secrets.py dev  | kubectl create -f -
    python deploy/k8s/make_secrets.py prod | kubectl create -f -
    python deploy/k8s/make_secrets.py signing-key > signing-key.pem
    python deploy/k8s/make_secrets.py public-key < signing-key.pem > public-key.pem

The names and keys are those of deploy/k8s/base/secrets.template.yaml. Nothing is written to
disk; `kubectl create` (not `apply`) refuses to replace Secrets that exist, so running it
twice cannot change a password under a running database. Keep the output where you keep
secrets (or pipe it to your sealing tool instead of kubectl). Run it with the repository's
.venv/bin/python: it needs `cryptography` for the gateway's Ed25519 signing key, and
guanjia_shared for the NATS users and their passwords.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from guanjia_shared.nats_auth import SERVICE_USERS
from guanjia_shared.nats_auth import new_password as new_nats_password

# Process -> its Secret and the short name of its database role.
PROCESSES = {
    "gateway": "gateway",
    "asset-svc": "asset",
    "ticket-svc": "ticket",
    "ledger-svc": "ledger",
    "emergency-svc": "emergency",
    "notify-svc": "notify",
}
NAMESPACES = {"dev": "guanjia-dev", "prod": "guanjia"}
# Where each overlay's PostgreSQL answers: the dev StatefulSet's Service, or CloudNativePG's
# read-write Service (always the primary) of the Cluster guanjia-db.
DATABASE_HOSTS = {"dev": "postgresql", "prod": "guanjia-db-rw"}


def role_name(short: str) -> str:
    """The PostgreSQL role, and the database it owns, of a process."""
    return f"guanjia_{short}"


def new_password() -> str:
    # URL-safe, so it goes into a database URL as it is.
    return secrets.token_urlsafe(24)


def new_signing_key_pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_key_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def secret(
    name: str,
    namespace: str,
    data: dict[str, str],
    *,
    kind: str = "Opaque",
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "labels": {"app.kubernetes.io/part-of": "guanjia", **(labels or {})},
    }
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata,
        "type": kind,
        "stringData": data,
    }


def overlay_secrets(overlay: str, namespace: str | None = None) -> dict[str, Any]:
    """Every Secret the overlay's workloads refer to, as a v1 List."""
    namespace = namespace or NAMESPACES[overlay]
    host = DATABASE_HOSTS[overlay]
    passwords = {short: new_password() for short in PROCESSES.values()}
    signing_key = new_signing_key_pem()
    items: list[dict[str, Any]] = [
        # The previous public key starts as the current one (the JWKS shows it once); a
        # rotation puts the other key there (docs/deploy.md "Rotating the signing key").
        secret(
            "gateway-signing-key",
            namespace,
            {
                "signing-key.pem": signing_key,
                "previous-public-key.pem": public_key_pem(signing_key),
            },
        )
    ]
    nats_passwords = {user: new_nats_password() for user in SERVICE_USERS}
    for process, short in PROCESSES.items():
        role = role_name(short)
        data = {
            "database-url": (f"postgresql+asyncpg://{role}:{passwords[short]}@{host}:5432/{role}")
        }
        if process == "gateway":
            data["admin-password"] = new_password()
        if short in nats_passwords:
            data["nats-password"] = nats_passwords[short]
        items.append(secret(f"{process}-secrets", namespace, data))
    items.append(
        secret(
            "nats-credentials",
            namespace,
            {f"{user}-password": password for user, password in nats_passwords.items()},
        )
    )
    if overlay == "dev":
        credentials = {"postgres-password": new_password()}
        credentials.update({f"{short}-password": passwords[short] for short in PROCESSES.values()})
        items.append(secret("postgresql-credentials", namespace, credentials))
    else:
        # CloudNativePG sets each managed role's password from its Secret, and follows
        # changes to it (the reload label).
        for short in PROCESSES.values():
            items.append(
                secret(
                    f"guanjia-db-{short}",
                    namespace,
                    {"username": role_name(short), "password": passwords[short]},
                    kind="kubernetes.io/basic-auth",
                    labels={"cnpg.io/reload": "true"},
                )
            )
    return {"apiVersion": "v1", "kind": "List", "items": items}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["dev", "prod", "signing-key", "public-key"])
    parser.add_argument("--namespace", help="default: guanjia-dev (dev), guanjia (prod)")
    arguments = parser.parse_args(argv)
    if arguments.what == "signing-key":
        sys.stdout.write(new_signing_key_pem())
    elif arguments.what == "public-key":
        sys.stdout.write(public_key_pem(sys.stdin.read()))
    else:
        json.dump(overlay_secrets(arguments.what, arguments.namespace), sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
