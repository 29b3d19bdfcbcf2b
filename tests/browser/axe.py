"""Headless Chromium (Debian's /usr/bin/chromium and chromedriver) with axe-core for WCAG 2.2 AA."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import needs

AXE_SOURCE = (Path(__file__).parent / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver")


def start_browser() -> Any:
    if not (
        Path(CHROMIUM).exists() and (Path(CHROMEDRIVER).exists() or shutil.which("chromedriver"))
    ):
        needs(
            f"browser tests need Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER})"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1024",
        f"--user-data-dir={tempfile.mkdtemp()}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def browser():
    driver = start_browser()
    yield driver
    driver.quit()


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    driver.execute_script(AXE_SOURCE)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        AXE_TAGS,
    )
    return result


def assert_on_page(driver: Any, url: str, heading: str) -> None:
    """Fail unless the browser shows `url` itself, with `heading` in its first <h1>.

    Without this an audit of a page behind sign-in audits the sign-in page instead, and one that
    refuses the visitor audits the error page: both would pass.
    """
    from selenium.webdriver.common.by import By

    wanted, landed = urlsplit(url), urlsplit(driver.current_url)
    assert (landed.path, landed.query) == (wanted.path, wanted.query), (
        f"asked for {url} but the browser is on {driver.current_url}: not the page meant"
    )
    headings = [h.text.strip() for h in driver.find_elements(By.TAG_NAME, "h1")]
    shown = headings[0] if headings else None
    assert shown is not None and heading in shown, (
        f"{url} has the heading {shown!r}, not {heading!r}: not the page meant"
    )


def assert_accessible(driver: Any, url: str, heading: str) -> None:
    """Load `url`, check it is the page meant (`heading` in its <h1>), then fail with any
    WCAG 2.2 AA violations axe finds."""
    driver.get(url)
    assert_on_page(driver, url, heading)
    violations = axe_violations(driver)
    report = "\n".join(
        f"- {v['id']}: {v['help']} ({len(v['nodes'])} element(s): "
        + "; ".join(
            n.get("target", [""])[0] if isinstance(n.get("target"), list) else ""
            for n in v["nodes"][:3]
        )
        + ")"
        for v in violations
    )
    assert not violations, f"axe found accessibility problems on {url}:\n{report}"


def click_and_wait(driver: Any, element: Any) -> None:
    """Click something that submits a form, and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(page))


def submit_form(driver: Any) -> None:
    """Press the form's submit button and wait for the response page."""
    from selenium.webdriver.common.by import By

    click_and_wait(
        driver,
        # In the page's content: the header's Sign out is a form button too.
        driver.find_element(
            By.CSS_SELECTOR,
            "main form button[type=submit], main form input[type=submit]",
        ),
    )


def browser_login(driver: Any, base_url: str, email: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base_url + "/sign-in")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(
        By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]"
    ).click()
    # click() returns before the POST completes; a following get() could cancel the sign-in.
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(
        lambda d: "/sign-in" not in d.current_url, message=f"{email} could not sign in"
    )
