"""The country pages as a reader sees them: every body with its topics, link,
check month and "not verified" where it applies, the duties with their
deadline; the methodology page's topics. Screenshots go to test-artifacts/
for a look (axe in both palettes runs over every page in
tests/promises/test_accessibility.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

COUNTRIES = ["au", "de", "gb"]


@pytest.mark.parametrize("country", COUNTRIES)
def test_country_page_shows_bodies_duties_and_verification(page, site_root_url, method, artifacts, country):
    profile = method.countries[country]
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site_root_url}/countries/{country}/")
    tables = page.locator("article table")
    bodies = [body for role in profile["roles"].values() for body in role["bodies"]]
    for body in bodies:
        row = tables.locator("tr", has=page.locator(f"#body-{body['id']}"))
        assert row.count() == 1
        cells = row.locator("td")
        if "url" in body:
            link = cells.nth(0).get_by_role("link")
            assert link.get_attribute("href") == body["url"]
        assert body["checked"] in cells.nth(cells.count() - 2).inner_text()
        assert ("not verified" in cells.nth(cells.count() - 2).inner_text()) is (not body["verified"])
    for duty in profile.get("duties", []):
        row = tables.locator("tr", has=page.locator(f"#duty-{duty['id']}"))
        assert duty["deadline"] in row.inner_text()
    assert not [url for url in requests if not url.startswith(site_root_url)], "a country page asked another host"
    page.screenshot(path=str(artifacts / f"country-{country}.png"), full_page=True)


def test_methodology_lists_topics_and_what_each_action_needs(page, site_root_url, method, artifacts):
    page.goto(f"{site_root_url}/methodology/#scoring-topics")
    table = page.locator("table", has=page.locator("#topic-investment-screening"))
    for topic in method.topics:
        assert table.locator(f"#topic-{topic['id']}").count() == 1
    screening = page.locator("li", has=page.locator("#action-screen-investment"))
    assert "National bodies for: Investment screening" in screening.inner_text()
    screening.get_by_role("link", name="Investment screening").click()
    assert page.evaluate("() => location.hash") == "#topic-investment-screening"
    page.locator("#scoring-topics").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "methodology-topics.png"))
