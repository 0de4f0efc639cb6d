"""A service's check of the gateway's tokens, against a real JWKS file; the verifier's
clocks (the keys' age, the remembered tokens' expiry) are moved by hand."""

from datetime import timedelta

import jwt
import pytest

from guanjia_shared.auth import JwksVerifier
from guanjia_shared.errors import Unauthorized
from guanjia_shared.testing.clocks import HandClock
from guanjia_shared.testing.tokens import TEST_AUDIENCE, TEST_ISSUER

REFRESH_SECONDS = 10


def verifier_for(token_mint, clock: HandClock) -> JwksVerifier:
    return JwksVerifier(
        token_mint.jwks_url,
        issuer=TEST_ISSUER,
        audience=TEST_AUDIENCE,
        clock=clock.seconds,
        wall_clock=clock.seconds,
    )


async def test_a_verified_token_is_remembered_until_it_expires(token_mint):
    clock = HandClock()
    verifier = verifier_for(token_mint, clock)
    token = token_mint.token("agent", sub="user-1", expires_in=timedelta(minutes=5))
    expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert (await verifier.verify(token)).id == "user-1"
    token_mint.jwks_path.write_text('{"keys": []}')
    verifier._keys.clear()  # a second signature check could not succeed now
    clock.advance(expires_at - 1 - clock.seconds())
    assert (await verifier.verify(token)).roles == frozenset({"agent"})
    clock.advance(1)
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_a_refused_token_is_not_remembered(token_mint):
    verifier = verifier_for(token_mint, HandClock())
    expired = token_mint.token("agent", expires_in=timedelta(seconds=-1))
    for _ in range(2):
        with pytest.raises(Unauthorized):
            await verifier.verify(expired)
    assert len(verifier.verified) == 0


async def test_the_memory_of_verified_tokens_stays_bounded(token_mint):
    verifier = verifier_for(token_mint, HandClock())
    verifier.verified.size = 5
    for number in range(12):
        await verifier.verify(token_mint.token("agent", sub=f"user-{number}"))
    assert len(verifier.verified) <= 5


def verifier_refreshing_every(token_mint, clock: HandClock, seconds: float) -> JwksVerifier:
    return JwksVerifier(
        token_mint.jwks_url,
        issuer=TEST_ISSUER,
        audience=TEST_AUDIENCE,
        key_max_age=seconds,
        refetch_interval=seconds,
        clock=clock.seconds,
    )


async def test_a_withdrawn_key_stops_opening_the_service_remembered_tokens_included(token_mint):
    clock = HandClock()
    verifier = verifier_refreshing_every(token_mint, clock, REFRESH_SECONDS)
    token = token_mint.token("agent", sub="user-1")
    assert (await verifier.verify(token)).id == "user-1"
    published = token_mint.jwks_path.read_text()
    token_mint.jwks_path.write_text('{"keys": []}')  # the gateway withdrew its key
    clock.advance(REFRESH_SECONDS)
    assert (await verifier.verify(token)).id == "user-1"  # until the keys are read again
    clock.advance(1)
    with pytest.raises(Unauthorized, match="unknown key"):
        await verifier.verify(token)
    assert len(verifier.verified) == 0
    token_mint.jwks_path.write_text(published)
    clock.advance(REFRESH_SECONDS + 1)
    assert (await verifier.verify(token)).id == "user-1"


async def test_keys_still_published_keep_their_tokens_through_a_refresh(token_mint):
    clock = HandClock()
    verifier = verifier_refreshing_every(token_mint, clock, REFRESH_SECONDS)
    token = token_mint.token("agent", sub="user-1")
    first = await verifier.verify(token)
    fetched_at = verifier._fetched_at
    clock.advance(REFRESH_SECONDS + 1)
    # The same remembered caller (a second signature check would make a new one), after
    # the keys were read again.
    assert await verifier.verify(token) is first
    assert verifier._fetched_at > fetched_at


async def test_keys_are_kept_when_the_key_set_cannot_be_read_at_a_refresh(token_mint):
    clock = HandClock()
    verifier = verifier_refreshing_every(token_mint, clock, REFRESH_SECONDS)
    remembered = token_mint.token("agent", sub="user-1")
    await verifier.verify(remembered)
    token_mint.jwks_path.rename(token_mint.jwks_path.with_suffix(".away"))  # gateway down
    clock.advance(REFRESH_SECONDS + 1)
    assert (await verifier.verify(remembered)).id == "user-1"
    new = token_mint.token("agent", sub="user-2")
    assert (await verifier.verify(new)).id == "user-2"
