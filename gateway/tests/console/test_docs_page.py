"""/docs works with no way out of the intranet: Swagger UI's files come from the gateway."""

import re

from gateway.console.headers import DOCS_POLICY


async def test_the_docs_page_loads_only_files_of_this_origin(gateway):
    page = await gateway.client.get("/docs")
    assert page.status_code == 200
    assert not re.search(r"(https?:)?//", page.text)
    assert "<script>" not in page.text  # the page's policy allows no inline script
    assert page.headers["content-security-policy"] == DOCS_POLICY
    assert "frame-ancestors 'none'" in DOCS_POLICY and "http" not in DOCS_POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    files = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(files) == 4
    for path in files:
        answer = await gateway.client.get(path)
        assert answer.status_code == 200, path
        assert answer.content
        assert answer.headers["content-security-policy"] == DOCS_POLICY
    init = await gateway.client.get("/docs/static/swagger-init.js")
    assert '"/openapi.json"' in init.text and "validatorUrl: null" in init.text


async def test_no_other_file_of_the_docs_package_can_be_read(gateway):
    for path in ("/docs/static/redoc.standalone.js", "/docs/static/..%2f__init__.py"):
        answer = await gateway.client.get(path)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
