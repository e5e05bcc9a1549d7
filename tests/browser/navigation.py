"""Following a link of the site's navigation as a person does: opening its menu first when it sits in one
(issue 15 §5: the navigation is grouped into menus)."""

from __future__ import annotations

import re
from typing import Any


def follow(page: Any, name: str) -> None:
    """Click the navigation link named exactly `name`, opening the menu that holds it if it is closed."""
    page.locator("header nav").wait_for(state="attached")
    named = re.compile(rf"^{re.escape(name)}$")
    link = page.locator("header nav a").filter(has_text=named)
    if not link.is_visible():
        # `has` is matched inside each menu: the link as the menu holds it, not from the page's root.
        inside = page.locator("a").filter(has_text=named)
        page.locator("header nav details").filter(has=inside).locator("summary").click()
    link.click()
