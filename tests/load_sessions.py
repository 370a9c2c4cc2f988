"""Many students at once: N browser sessions predicting and inspecting while a run trains.

Used by tests/test_load.py (assertions) and bench (the p95 in docs/benchmarks.md). Each session
is its own browser context, so its own Streamlit session, all against one real server on
loopback; half upload a photo on the Predict page, half open Inside the network (feature maps and
Grad-CAM of a test image)."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from browser_support import CHROMIUM, CHROMIUM_ARGS, IDLE

PHOTO = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos" / "dog.jpg"


@dataclass
class LoadResult:
    sessions: int
    answered: int
    errors: list[str]
    latencies: list[float]  # seconds from the request to the answer on screen, per session

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else float("nan")


async def _predict(browser, url: str, timeout_ms: float) -> float:
    context = await browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = await context.new_page()
        await page.goto(f"{url}/predict?where=server", timeout=timeout_ms)  # the server's load
        await page.wait_for_selector(IDLE, timeout=timeout_ms)
        await page.get_by_test_id("stFileUploaderDropzone").wait_for(timeout=timeout_ms)
        async with page.expect_file_chooser(timeout=timeout_ms) as chooser:
            await page.get_by_test_id("stFileUploaderDropzone").first.click()
        started = time.perf_counter()
        await (await chooser.value).set_files(str(PHOTO))
        await page.get_by_text("dog.jpg:").first.wait_for(timeout=timeout_ms)
        await _fail_on_exception(page)
        return time.perf_counter() - started
    finally:
        await context.close()


async def _inspect(browser, url: str, timeout_ms: float) -> float:
    context = await browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = await context.new_page()
        started = time.perf_counter()
        await page.goto(f"{url}/inside", timeout=timeout_ms)
        # In the second tab: rendered (attached) but not shown until the tab is clicked.
        await page.get_by_text("Where it looked for").first.wait_for(state="attached", timeout=timeout_ms)
        await _fail_on_exception(page)
        return time.perf_counter() - started
    finally:
        await context.close()


async def _fail_on_exception(page) -> None:
    # An error box is a failure, except the red verdict on a test image the network got wrong.
    for failure in await page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").all():
        if not await failure.locator("xpath=ancestor::*[contains(@class, 'st-key-guess_verdict')]").count():
            raise RuntimeError(f"{page.url}: {await failure.inner_text()}")


async def _run(url: str, sessions: int, timeout_s: float) -> LoadResult:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tasks = [(_predict if i % 2 == 0 else _inspect)(browser, url, timeout_s * 1000) for i in range(sessions)]
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await browser.close()
    latencies = [o for o in outcomes if isinstance(o, float)]
    errors = [f"{type(o).__name__}: {o}"[:300] for o in outcomes if not isinstance(o, float)]
    return LoadResult(sessions, len(latencies), errors, latencies)


def run_sessions(url: str, sessions: int = 20, timeout_s: float = 240) -> LoadResult:
    """Open `sessions` concurrent browser sessions against `url`; returns when all have answered."""
    return asyncio.run(_run(url, sessions, timeout_s))
