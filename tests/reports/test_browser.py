"""The published page in headless Chromium: rendered text, console, escaping, tabs, the offline gap form."""
from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path

import pytest

from reports.html import render_role_page
from reports.publish import publish_period
from tests.reports.conftest import MARKET, MLE, PERIOD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).parent / "_artifacts"
WIDTHS = {"desktop": 1280, "phone": 390}
ALIASES = {"pytorch": ["torch"], "python": ["python3"]}


@pytest.fixture(scope="module")
def browser():
    """Yield a headless Chromium driven by selenium, or skip saying what is missing."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("Chromium is absent: apt-get install -y chromium chromium-driver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="spotlight-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def published(warehouse, documents, tmp_path) -> Path:
    """Publish the test warehouse (pages with a few aliases) and return the output folder."""
    pages = {d["role"]["id"]: render_role_page(d, aliases=ALIASES) for d in documents}
    publish_period(None, tmp_path, MARKET, PERIOD, documents, pages, None, {}, con=warehouse)
    return tmp_path


def console_errors(driver) -> list[str]:
    """Return the SEVERE browser console entries since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def open_page(driver, path: Path, width: int) -> None:
    """Open a file at a window width, tall enough for the whole page."""
    driver.set_window_size(width, 900)
    driver.get(path.as_uri())
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 200, 16000))


def test_role_page_renders_at_desktop_and_phone_widths(browser, published):
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(exist_ok=True)
    page = published / "periods" / PERIOD / MARKET / f"{MLE}.html"
    for label, width in WIDTHS.items():
        open_page(browser, page, width)
        browser.save_screenshot(str(ARTIFACTS / f"role-{label}-{width}.png"))
        body = browser.find_element(By.TAG_NAME, "body").text
        assert browser.find_element(By.ID, "role-title").text == "Machine Learning Engineer"
        for text in ("£70,000", "70% demand vs 28% supply (42-point gap)", "+21%", "£650/day",
                     "LLM Fine-tuning & RAG + PyTorch + AWS", "Typical tenure in role:",
                     "What new skills should a Machine Learning Engineer learn in 2026?"):
            assert text in body, text
        charts = [svg for svg in browser.find_elements(By.CSS_SELECTOR, "svg.trend-chart") if svg.is_displayed()]
        assert len(charts) == 1  # the wide chart on a desktop, the narrow one on a phone
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page scrolls sideways by {overflow}px at {width}px"
        assert console_errors(browser) == []
    open_page(browser, published / "index.html", WIDTHS["desktop"])
    browser.save_screenshot(str(ARTIFACTS / "index-desktop-1280.png"))
    assert "Machine Learning Engineer" in browser.find_element(By.TAG_NAME, "body").text
    assert console_errors(browser) == []


def test_skill_tabs_filter_the_list(browser, published):
    from selenium.webdriver.common.by import By

    open_page(browser, published / "periods" / PERIOD / MARKET / f"{MLE}.html", WIDTHS["desktop"])
    visible = lambda: [li.find_element(By.CLASS_NAME, "name").text
                       for li in browser.find_elements(By.CSS_SELECTOR, "ul.skills li") if li.is_displayed()]
    assert len(visible()) == 7
    browser.find_element(By.CSS_SELECTOR, 'button[data-filter="soft"]').click()
    assert visible() == ["Communication with Non-Technical Stakeholders"]
    browser.find_element(By.CSS_SELECTOR, 'button[data-filter="emerging"]').click()
    assert visible() == ["LLM Fine-tuning & RAG"]
    browser.find_element(By.CSS_SELECTOR, 'button[data-filter="technical"]').click()
    assert len(visible()) == 6
    assert console_errors(browser) == []


def test_gap_form_works_offline(browser, published):
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(exist_ok=True)
    page = published / "periods" / PERIOD / MARKET / f"{MLE}.html"
    open_page(browser, page, WIDTHS["phone"])
    browser.find_element(By.ID, "gap-skills").send_keys("Python3, torch, sql, k8s, cobol")
    browser.find_element(By.ID, "gap-submit").click()
    result = browser.find_element(By.ID, "gap-result")
    # Covered: Python 92 + TensorFlow or PyTorch 78 + SQL 72 = 242 of 429 listed demand -> 56%.
    assert "Demand-weighted coverage: 56%" in result.text
    essential = result.find_element(By.CSS_SELECTOR, '[data-tier="essential"]').text
    assert "You have (3)" in essential and "Communication with Non-Technical Stakeholders" in essential
    assert "Add LLM Fine-tuning & RAG" not in result.text  # AWS is missing too: two away
    assert "Add SQL" not in result.text and "Not recognised: k8s, cobol" in result.text
    browser.execute_script("document.getElementById('gap-analysis').scrollIntoView()")
    browser.set_window_size(WIDTHS["phone"], 900)
    browser.execute_script("document.getElementById('gap-analysis').scrollIntoView()")
    browser.save_screenshot(str(ARTIFACTS / "gap-form-phone-390.png"))
    assert console_errors(browser) == []


def test_script_in_a_title_renders_as_text(browser, mle, tmp_path):
    from selenium.webdriver.common.by import By

    doc = copy.deepcopy(mle)
    doc["role"]["name"] = "<script>window.__injected = 1</script>Engineer"
    doc["skills"][0]["name"] = '<img src="x" onerror="window.__injected = 2">'
    path = tmp_path / "evil.html"
    path.write_text(render_role_page(doc, aliases={}), encoding="utf-8")
    open_page(browser, path, WIDTHS["desktop"])
    assert browser.find_element(By.ID, "role-title").text == "<script>window.__injected = 1</script>Engineer"
    assert browser.execute_script("return window.__injected === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "ul.skills img") == []
    assert console_errors(browser) == []
