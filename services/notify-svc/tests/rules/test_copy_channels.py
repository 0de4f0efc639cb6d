"""Which channels a rule's copy goes by for one person: the rule's, in its order, that the
person can be reached on and (unless urgent) keeps for the topic; a call rings the verified
mobile and counts as the mobile in a person's preferences."""

import pytest

from notify_svc.recipients.service import unreplicated
from notify_svc.rules.consumers import copy_channels
from notify_svc.rules.models import MessageRule

MOBILE, EMAIL = "13800138000", "dianwei@example.gov.cn"


def rule(channels: list[str], *, urgent: bool = False) -> MessageRule:
    return MessageRule(channels=channels, urgent=urgent, topic="emergency.task")


def person(contacts: dict[str, str], chosen: list[str] | None = None):
    reached = unreplicated("u-1")
    reached.contacts = [{"channel": c, "address": a} for c, a in contacts.items()]
    if chosen is not None:
        reached.message_preferences = [{"topic": "emergency.task", "channels": chosen}]
    return reached


@pytest.mark.parametrize(
    ("channels", "urgent", "contacts", "chosen", "expected"),
    [
        # SMS, then a call to the same number, then email.
        (
            ["mobile", "voice", "email"],
            False,
            {"mobile": MOBILE, "email": EMAIL},
            None,
            [("mobile", MOBILE), ("voice", MOBILE), ("email", EMAIL)],
        ),
        # No verified mobile: neither SMS nor a call.
        (["voice", "email"], False, {"email": EMAIL}, None, [("email", EMAIL)]),
        # Keeping the mobile for the topic keeps its calls.
        (
            ["voice", "email"],
            False,
            {"mobile": MOBILE, "email": EMAIL},
            ["mobile"],
            [("voice", MOBILE)],
        ),
        (
            ["voice", "email"],
            False,
            {"mobile": MOBILE, "email": EMAIL},
            ["email"],
            [("email", EMAIL)],
        ),
        # An urgent rule goes by what it names, whatever was chosen.
        (["voice"], True, {"mobile": MOBILE}, [], [("voice", MOBILE)]),
    ],
)
def test_the_copy_goes_by_the_rules_channels_the_person_can_be_reached_on(
    channels, urgent, contacts, chosen, expected
):
    found = copy_channels(rule(channels, urgent=urgent), person(contacts, chosen))
    assert [(each["channel"], each["address"]) for each in found] == expected
