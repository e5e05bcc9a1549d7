"""Following a link of the site's navigation as a person does: opening its menu first when it sits in one
(issue 15 §5: the navigation is grouped into menus)."""

from __future__ import annotations

import re
from typing import Any


def follow(page: Any, name: str) -> None:
    """Click the navigation link named exactly `name`, opening the menu that holds it if it is closed."""
    page.locator("header nav").wait_for(state="attached")
    link = page.locator("header nav a").filter(has_text=re.compile(rf"^{re.escape(name)}$"))
    if not link.is_visible():
        page.locator("header nav details", has=link).locator("summary").click()
    link.click()
