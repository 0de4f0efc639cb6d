from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from guanjia_shared.auth import Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery
from notify_svc.events import FollowedEvent
from notify_svc.rules import policy, service
from notify_svc.rules.models import FollowedEventRead, RuleCreate, RuleRead, RuleUpdate

# Who keeps the rules: rules/policy.py (the service checks it).
RuleKeeper = Annotated[Principal, Depends(require_roles(*policy.RULE_KEEPERS))]

router = APIRouter(prefix="/api/v1/notify/rules", tags=["rules"])


@router.get("/event-types", response_model=list[FollowedEventRead])
async def list_followed_event_types(_: RuleKeeper):
    """The events a rule may follow."""
    return [{"type": event_type, "label": event_type.label} for event_type in FollowedEvent]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RuleRead)
async def create_rule(data: RuleCreate, session: SessionDep, actor: RuleKeeper, response: Response):
    rule = await service.create_rule(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{rule.id}"
    response.headers["ETag"] = etag_of(rule.version)
    return rule


@router.get("", response_model=Page[RuleRead])
async def list_rules(
    session: SessionDep,
    actor: RuleKeeper,
    page: PageQuery,
    event_type: FollowedEvent | None = None,
    enabled: bool | None = None,
):
    items, total = await service.list_rules(
        session=session, actor=actor, page=page, event_type=event_type, enabled=enabled
    )
    return {"items": items, "total": total}


@router.get("/{rule_id}", response_model=RuleRead)
async def get_rule(rule_id: str, session: SessionDep, actor: RuleKeeper, response: Response):
    rule = await service.get_rule(session=session, rule_id=rule_id, actor=actor)
    response.headers["ETag"] = etag_of(rule.version)
    return rule


@router.patch("/{rule_id}", response_model=RuleRead)
async def update_rule(
    rule_id: str,
    data: RuleUpdate,
    session: SessionDep,
    actor: RuleKeeper,
    expected_version: IfMatchVersion,
    response: Response,
):
    """A change applies to the events that come after it."""
    rule = await service.update_rule(
        session=session,
        rule_id=rule_id,
        data=data,
        actor=actor,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(rule.version)
    return rule


@router.delete("/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_rule(
    rule_id: str, session: SessionDep, actor: RuleKeeper, expected_version: IfMatchVersion
):
    await service.delete_rule(
        session=session, rule_id=rule_id, actor=actor, expected_version=expected_version
    )
