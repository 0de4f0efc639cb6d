from datetime import timedelta

from gateway.logins.models import LoginPolicy
from gateway.logins.service import slowdown_for

POLICY = LoginPolicy(
    slowdown_after=3,
    slowdown_step=timedelta(milliseconds=250),
    slowdown_max=timedelta(seconds=1),
    lockout_after_per_account=10,
    lockout_after_per_address=50,
    lockout=timedelta(minutes=15),
    failure_window=timedelta(minutes=15),
)


def test_the_first_failures_cost_no_wait():
    assert [slowdown_for(POLICY, failures) for failures in range(3)] == [timedelta(0)] * 3


def test_the_wait_grows_with_each_failure_up_to_its_cap():
    waits = [slowdown_for(POLICY, failures).total_seconds() for failures in range(3, 9)]
    assert waits == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
