"""The supplies tests run emergency-svc on a database they also reach directly, to call the
reservation rules the incidents call (without HTTP) and to race two of them."""

import pytest


@pytest.fixture
def commander(token_mint) -> dict[str, str]:
    return token_mint.headers("commander", department="应急办")


@pytest.fixture
def add_stock(client, commander):
    """`await add_stock(location, item_code, quantity, minimum=0)`: a stock row, as answered."""

    async def _add(location: str, item_code: str, quantity: int, minimum: int = 0) -> dict:
        answer = await client.post(
            "/api/v1/emergency/supplies",
            json={
                "location": location,
                "item_code": item_code,
                "quantity": quantity,
                "minimum": minimum,
            },
            headers=commander,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    return _add
