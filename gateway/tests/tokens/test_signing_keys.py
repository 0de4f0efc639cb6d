"""The signing key: made once in development, demanded in production, named by thumbprint."""

import base64
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gateway.config import Settings
from gateway.main import create_app
from gateway.tokens.keys import key_id, load_signing_keys
from guanjia_shared.settings import InsecureDefaultError


def test_the_key_id_is_the_rfc_7638_thumbprint():
    # RFC 8037, appendix A.2 and A.3: this public key's thumbprint.
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "="))
    assert key_id(key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_development_makes_a_key_on_first_start_and_keeps_it(tmp_path):
    settings = Settings(environment="development", data_dir=tmp_path / "data")
    first = load_signing_keys(settings)
    again = load_signing_keys(settings)
    path = tmp_path / "data" / "gateway-signing-key.pem"
    assert first.kid == again.kid
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [key["kid"] for key in first.jwks()["keys"]] == [first.kid]


def test_production_refuses_to_start_without_its_key_file(tmp_path):
    settings = Settings(
        environment="production",
        database_url="postgresql+asyncpg://gateway@db/gateway",
        data_dir=tmp_path,
        signing_key_file=tmp_path / "missing.pem",
    )
    with pytest.raises(InsecureDefaultError, match="signing key"):
        create_app(settings)
    assert not (tmp_path / "missing.pem").exists()


def test_production_starts_with_its_key_file(tmp_path, signing_key, signing_key_path):
    settings = Settings(
        environment="production",
        database_url="postgresql+asyncpg://gateway@db/gateway",
        signing_key_file=signing_key_path,
    )
    assert load_signing_keys(settings).kid == key_id(signing_key.public_key())
