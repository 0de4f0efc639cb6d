from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from gateway.contacts import service
from gateway.contacts.models import (
    ContactChannel,
    ContactRead,
    ContactSet,
    MessagePreferences,
    VerificationCode,
)
from gateway.contacts.policy import CodeRules
from guanjia_shared.auth import CurrentUser
from guanjia_shared.deps import SessionDep

router = APIRouter(prefix="/api/v1/auth/me", tags=["contacts"])


def _code_rules(request: Request) -> CodeRules:
    return CodeRules.from_settings(request.app.state.settings)


CodeRulesDep = Annotated[CodeRules, Depends(_code_rules)]


@router.get("/contacts", response_model=list[ContactRead])
async def list_contacts(caller: CurrentUser, session: SessionDep):
    """The caller's contact points, one per channel at most."""
    return await service.list_contacts(session=session, caller=caller)


@router.put(
    "/contacts/{channel}",
    response_model=ContactRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses={200: {"model": ContactRead, "description": "the verified address already"}},
)
async def set_contact(
    channel: ContactChannel,
    data: ContactSet,
    caller: CurrentUser,
    session: SessionDep,
    rules: CodeRulesDep,
    response: Response,
):
    """Give an address for a channel: a six-digit code is sent to it, and until the code
    comes back (`/verify`) messages keep going to the verified address, if any. 202 while
    the code is out; 200 when the address is the verified one already. A new code may be
    asked for a minute after the last (429 with Retry-After before)."""
    contact, code_sent = await service.set_contact(
        session=session, caller=caller, channel=channel, typed_address=data.address, rules=rules
    )
    if not code_sent:
        response.status_code = status.HTTP_200_OK
    return contact


@router.post("/contacts/{channel}/verify", response_model=ContactRead)
async def verify_contact(
    channel: ContactChannel,
    data: VerificationCode,
    caller: CurrentUser,
    session: SessionDep,
    rules: CodeRulesDep,
):
    """The code that was sent: the address is verified and used from now on. A wrong code
    is 422 and counted; after five, or ten minutes, the code is spent (409 `code-spent`)."""
    return await service.verify_contact(
        session=session, caller=caller, channel=channel, code=data.code, rules=rules
    )


@router.delete("/contacts/{channel}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_contact(channel: ContactChannel, caller: CurrentUser, session: SessionDep):
    await service.remove_contact(session=session, caller=caller, channel=channel)


@router.get("/preferences", response_model=MessagePreferences)
async def get_preferences(caller: CurrentUser, session: SessionDep):
    """Per topic of message, the channels wanted beside the console inbox."""
    return await service.get_preferences(session=session, caller=caller)


@router.put("/preferences", response_model=MessagePreferences)
async def set_preferences(data: MessagePreferences, caller: CurrentUser, session: SessionDep):
    """Replace the preferences as a whole. An urgent rule (an emergency task) reaches the
    first channel it names that the person has verified, whatever is chosen here."""
    return await service.set_preferences(session=session, caller=caller, data=data)
