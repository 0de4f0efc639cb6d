"""The proxy's local token check, called directly (the remembered tokens' clock moved by
hand)."""

import pytest

from gateway.revocations.service import RevokedSubjects
from gateway.testing.harness import sign
from gateway.tokens.keys import key_id
from gateway.tokens.verification import TokenVerifier
from guanjia_shared.errors import Unauthorized
from guanjia_shared.testing.clocks import HandClock


def verifier_for(key, **options) -> TokenVerifier:
    public = key.public_key()
    return TokenVerifier(
        {key_id(public): public},
        issuer="guanjia-gateway",
        audience="guanjia",
        revoked=RevokedSubjects(),
        **options,
    )


def test_a_verified_token_is_remembered_until_it_expires(signing_key):
    clock = HandClock()
    verifier = verifier_for(signing_key, clock=clock.seconds)
    expires_at = int(clock.seconds()) + 300
    token = sign(signing_key, sub="user-1", roles=["agent"], exp=expires_at)
    assert verifier.verify_now(token).id == "user-1"
    verifier.keys.clear()  # a second signature check could not succeed now
    clock.advance(expires_at - 1 - clock.seconds())
    assert verifier.verify_now(token).roles == frozenset({"agent"})
    clock.advance(1)
    with pytest.raises(Unauthorized):
        verifier.verify_now(token)


def test_the_memory_of_verified_tokens_stays_bounded(signing_key):
    verifier = verifier_for(signing_key, cache_size=5)
    for number in range(12):
        verifier.verify_now(sign(signing_key, sub=f"user-{number}"))
    assert len(verifier._verified) <= 5
