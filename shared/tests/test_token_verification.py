"""A service's check of the gateway's tokens, against a real JWKS file."""

import time
from datetime import timedelta

import pytest

from guanjia_shared.auth import JwksVerifier
from guanjia_shared.errors import Unauthorized
from guanjia_shared.testing.tokens import TEST_AUDIENCE, TEST_ISSUER


def verifier_for(token_mint) -> JwksVerifier:
    return JwksVerifier(token_mint.jwks_url, issuer=TEST_ISSUER, audience=TEST_AUDIENCE)


async def test_a_verified_token_is_remembered_until_it_expires(token_mint):
    verifier = verifier_for(token_mint)
    token = token_mint.token("agent", sub="user-1", expires_in=timedelta(seconds=2))
    assert (await verifier.verify(token)).id == "user-1"
    token_mint.jwks_path.write_text('{"keys": []}')
    verifier._keys.clear()  # a second signature check could not succeed now
    assert (await verifier.verify(token)).roles == frozenset({"agent"})
    time.sleep(2.1)
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_a_refused_token_is_not_remembered(token_mint):
    verifier = verifier_for(token_mint)
    expired = token_mint.token("agent", expires_in=timedelta(seconds=-1))
    for _ in range(2):
        with pytest.raises(Unauthorized):
            await verifier.verify(expired)
    assert len(verifier.verified) == 0


async def test_the_memory_of_verified_tokens_stays_bounded(token_mint):
    verifier = verifier_for(token_mint)
    verifier.verified.size = 5
    for number in range(12):
        await verifier.verify(token_mint.token("agent", sub=f"user-{number}"))
    assert len(verifier.verified) <= 5
