"""The `.env` docker-compose.yml needs, with every password fresh:

    .venv/bin/python deploy/compose/make_env.py            # writes .env at the repository root
    .venv/bin/python deploy/compose/make_env.py --path x    # or elsewhere

The names are those of deploy/compose/.env.example. The file is made readable by its owner
only, and never overwritten: the database passwords live on in the database volume, so new
ones would lock the processes out of it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from guanjia_shared.nats_auth import SERVICE_USERS
from guanjia_shared.nats_auth import new_password as new_nats_password

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ("gateway", "asset", "ticket", "ledger", "emergency", "notify")


def environment() -> dict[str, str]:
    values = {"POSTGRES_PASSWORD": secrets.token_urlsafe(24)}
    values |= {f"{name.upper()}_DATABASE_PASSWORD": secrets.token_urlsafe(24) for name in PROCESSES}
    values |= {f"{user.upper()}_NATS_PASSWORD": new_nats_password() for user in SERVICE_USERS}
    # Empty: the gateway makes the first admin's password and prints it once.
    values |= {"GUANJIA_ADMIN_PASSWORD": "", "GUANJIA_IMAGE_TAG": "local"}
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", type=Path, default=ROOT / ".env")
    path = parser.parse_args(argv).path
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"{path} exists: keeping it (its passwords are in the volumes)", file=sys.stderr)
        return 1
    with os.fdopen(descriptor, "w") as file:
        file.writelines(f"{name}={value}\n" for name, value in environment().items())
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
