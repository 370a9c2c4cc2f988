"""Lessons in a real browser: `streamlit run app.py` and Debian's Chromium. Three students (three
browser contexts, so three cookies and three sessions) open one lesson link and start their runs at
once; the teacher follows them live on the Class page and opens one on Inside the network.
Screenshots of the lesson page and the Class page, wide and phone-narrow, English and Chinese, land in
tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import re

import pytest
from browser_support import expander, launch_chromium, open_expander, server_fixture, settle, shoot
from playwright.sync_api import expect

from classifier.core.config import Config
from classifier.teach import lessons

pytestmark = pytest.mark.browser


WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 420, "height": 900}
TASK = "Train the seed network on the built-in shapes and compare with your neighbours."


# One training slot per student, as a classroom server would be configured.
server = server_fixture("lessons-browser", extra_env={"CLASSIFIER_MAX_CONCURRENT": "3"})


def metric(page, label: str):
    box = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True)).last
    return box.locator("[data-testid='stMetricValue']")


def shoot_tall(page, name: str) -> None:
    """Streamlit scrolls inside the page: a tall window shows all of it in one picture."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2400})
    settle(page)
    shoot(page, name)
    page.set_viewport_size(size)


def make_lesson(teacher, server: str) -> str:
    """The teacher sets up the Train page, frees the random seed, writes the task, makes the link."""
    teacher.goto(f"{server}/train")
    settle(teacher)
    teacher.get_by_text("Shapes (built in)").click()
    settle(teacher)
    # 3,000 images: forked warm, a run of 300 ended before the Class page could show it training.
    for label, value in (("Images per split (0 = all)", "3000"), ("Epochs", "3")):
        if label == "Epochs":
            open_expander(teacher, "Training")
        field = teacher.get_by_role("spinbutton", name=label, exact=True)
        field.fill(value)
        field.press("Enter")
        settle(teacher)
    open_expander(teacher, "Make a lesson of these settings (for teachers)")
    free = teacher.get_by_test_id("stMultiSelect").filter(has_text="Students may change")
    free.get_by_role("combobox").press_sequentially("Random seed")
    expect(teacher.get_by_role("option")).to_have_count(1)  # the list filtered as it was typed into
    teacher.get_by_role("option", name="Random seed", exact=True).click()
    expect(free.get_by_text("Random seed", exact=True)).to_be_visible()  # chosen: its chip is in the box
    teacher.keyboard.press("Escape")
    settle(teacher)
    for label, value in (("Title", "Shapes"), ("Class code", "web123")):
        field = teacher.get_by_role("textbox", name=label, exact=True)
        field.fill(value)
        field.press("Enter")
        settle(teacher)
    teacher.get_by_role("textbox", name="The task (one paragraph, any language)").fill(TASK)
    teacher.get_by_role("textbox", name="Title", exact=True).click()  # leaving the text area commits it
    settle(teacher)
    teacher.get_by_role("button", name="Make the link").click()
    settle(teacher)
    link = teacher.get_by_test_id("stCode").last.inner_text().strip()
    teacher.get_by_text("Follow the class on the Class page").scroll_into_view_if_needed()
    shoot(teacher, "lesson-00-teacher-makes-the-link")
    return link


def test_three_students_one_lesson_and_the_teachers_class_page(server):
    from playwright.sync_api import sync_playwright

    expect.set_options(timeout=60_000)  # a page's first script run, on two cores shared with training
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        teacher = browser.new_context(viewport=WIDE).new_page()
        teacher.set_default_timeout(90_000)
        link = make_lesson(teacher, server)
        assert link.startswith(f"{server}/train?lesson=") and len(link) < 300, link
        lesson = lessons.open_link(link)
        assert lesson.config == Config(dataset="shapes", limit=3000, epochs=3)
        assert lesson.free == ("random_seed",) and lesson.class_code == "WEB123" and lesson.task == TASK

        # The teacher follows the class before anyone starts: the page fills in by itself.
        teacher.goto(f"{server}/class?class=web123")
        settle(teacher)
        expect(teacher.get_by_text("No runs in this class yet.")).to_be_visible()

        students = []
        for name in ("Ana", "Bo", "王小明"):
            page = browser.new_context(viewport=WIDE).new_page()  # its own cookie: its own owner
            page.set_default_timeout(90_000)
            page.goto(link)
            settle(page)
            expect(page.get_by_role("heading", name="Lesson: Shapes")).to_be_visible()
            field = page.get_by_role("textbox", name="Your name, as the class will see it").first
            field.fill(name)
            field.press("Enter")
            settle(page)
            students.append(page)
        ana = students[0]
        # Locked controls are greyed out: the data set cannot be changed, the seed can.
        expect(ana.get_by_role("spinbutton", name="Images per split (0 = all)")).to_be_disabled()
        # The seed, the lesson's free field, is in the Training section: drawn open in a lesson.
        expect(expander(ana, "Training").locator("details")).to_have_attribute("open", "")
        expect(ana.get_by_role("spinbutton", name="Random seed")).to_be_enabled()
        expect(ana.get_by_role("spinbutton", name="Epochs", exact=True)).to_be_disabled()
        shoot_tall(ana, "lesson-01-train-wide-en")
        for page in students:  # one after the other, each in seconds: their runs overlap
            settle(page)
            page.get_by_role("button", name="Start training").click()
            expect(page).to_have_url(re.compile(r"[?&]run="), timeout=30_000)  # the address follows the run

        expect(teacher.get_by_role("heading", name="Shapes")).to_be_visible()
        expect(metric(teacher, "Students")).to_have_text("3", timeout=120_000)
        expect(metric(teacher, "Training now")).not_to_have_text("0", timeout=120_000)  # live, while they train
        shoot(teacher, "lesson-02-class-live-wide-en")
        expect(metric(teacher, "Finished")).to_have_text("3", timeout=300_000)  # the page updated by itself
        best = metric(teacher, "Best test accuracy").inner_text()
        assert re.fullmatch(r"\d+\.\d%", best), best
        legend = teacher.locator("[data-testid='stPlotlyChart'] .legend .traces")
        expect(legend).to_have_count(3)  # everyone's curves on one chart
        for name in ("Ana", "Bo", "王小明"):
            expect(teacher.get_by_role("link", name=name)).to_be_visible()
        shoot_tall(teacher, "lesson-03-class-finished-wide-en")

        # Both languages, wide and on a phone.
        teacher.goto(f"{server}/class?class=WEB123&lang=zh")
        expect(teacher.get_by_role("heading", name="班级：全班同学的练习训练")).to_be_visible()
        expect(metric(teacher, "已完成")).to_have_text("3")
        teacher.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
        shoot_tall(teacher, "lesson-04-class-wide-zh")
        teacher.set_viewport_size(NARROW)
        teacher.reload()
        expect(metric(teacher, "已完成")).to_have_text("3")
        assert teacher.evaluate("document.documentElement.scrollWidth") <= 440
        shoot_tall(teacher, "lesson-05-class-narrow-zh")
        teacher.goto(f"{server}/class?class=WEB123")
        expect(metric(teacher, "Finished")).to_have_text("3")
        assert teacher.evaluate("document.documentElement.scrollWidth") <= 440
        shoot_tall(teacher, "lesson-06-class-narrow-en")

        # The teacher opens a student's run on Inside the network, read-only.
        teacher.set_viewport_size(WIDE)
        teacher.get_by_role("link", name="王小明").click()
        settle(teacher)
        expect(teacher.get_by_text('Read-only: 王小明\'s run in the lesson "Shapes".')).to_be_visible()
        expect(teacher.get_by_role("heading", name="Inside the network")).to_be_visible()
        teacher.get_by_test_id("stImage").first.wait_for()  # the student's filters
        shoot(teacher, "lesson-07-inside-read-only")

        # The lesson page in Chinese, wide and narrow (a fresh session opens the link again).
        bo = students[1]
        bo.goto(link.replace("&lang=en", "") + "&lang=zh")
        settle(bo)
        expect(bo.get_by_role("heading", name="课堂练习：Shapes")).to_be_visible()
        shoot_tall(bo, "lesson-08-train-wide-zh")
        bo.set_viewport_size(NARROW)
        bo.reload()
        settle(bo)
        expect(bo.get_by_role("heading", name="课堂练习：Shapes")).to_be_visible()
        assert bo.evaluate("document.documentElement.scrollWidth") <= 440
        shoot_tall(bo, "lesson-09-train-narrow-zh")
        bo.goto(link)
        settle(bo)
        expect(bo.get_by_role("heading", name="Lesson: Shapes")).to_be_visible()
        shoot_tall(bo, "lesson-10-train-narrow-en")

        # A damaged link: a clear message in the link's language, never a traceback.
        bo.goto(f"{server}/train?lesson={lesson.token()[:-4]}&lang=zh")
        settle(bo)
        expect(bo.get_by_text("无法打开这个练习链接")).to_be_visible()
        assert bo.get_by_test_id("stException").count() == 0
        shoot(bo, "lesson-11-damaged-link-narrow-zh")
        browser.close()
