"""Lessons in the app: opening a lesson link on the Train page, the lesson panel a student sees,
the teacher's "make a lesson" panel, and the Class page's way into a student's run.

The lesson itself (its link, its checks, the built-in six) is `classifier.teach.lessons`; this module
only reads and writes session state and draws. The Train form obeys the active lesson through
`ui.train_form.lesson_rule` (locked controls disabled or hidden) and `current_config` (locked
values put back whatever the browser sent).
"""

from __future__ import annotations

import functools
import hashlib

import streamlit as st

from classifier.core import teachers
from classifier.core.config import SPECS, Config
from classifier.core.messages import ClassifierError
from classifier.core.runs import RunError, RunInfo, class_viewer
from classifier.teach import lessons
from classifier.teach.lessons import Lesson, LessonError
from ui import state, train_form, widgets
from ui.i18n import language, say, t
from ui.text import plain

LESSON, TOKEN = train_form.LESSON, "lesson_token"  # the active Lesson, and the link it came from
STUDENT = "lesson_student"  # the name a student gives the class
OPEN_ERROR = "lesson_open_error"


# --- a student opens a link ----------------------------------------------------------------------


def open_linked_lesson() -> None:
    """`/train?lesson=TOKEN` sets the form to the lesson (once per link and session, so what a
    student then changes stays); a bad link is explained, and the page works as without it."""
    token = st.query_params.get("lesson")
    if not token or token == st.session_state.get(TOKEN):
        return
    st.session_state[TOKEN] = token
    try:
        lesson = lessons.open_link(token)
    except LessonError as error:
        st.session_state[OPEN_ERROR] = error.message
        st.session_state.pop(LESSON, None)
        return
    st.session_state.pop(OPEN_ERROR, None)
    start_lesson(lesson)


def start_lesson(lesson: Lesson) -> None:
    st.session_state[LESSON] = lesson
    st.session_state[train_form.FORM_READY] = True  # the lesson's settings, not the seed's
    train_form.apply_config(lesson.config)


def leave_lesson() -> None:
    st.session_state.pop(LESSON, None)
    st.session_state.pop(OPEN_ERROR, None)
    st.query_params.pop("lesson", None)


def title(lesson: Lesson | None = None, tag: dict | None = None) -> str:
    """A lesson's title in the reader's language (a built-in's from the package; a teacher's as written)."""
    builtin = lesson.builtin if lesson else (tag or {}).get("builtin", "")
    if builtin in lessons.BUILTIN_IDS:
        return _in_language(lessons.builtin(builtin).title)
    written = lesson.title if lesson else (tag or {}).get("title", "")
    return written or t("lesson.untitled")


def task(lesson: Lesson) -> str:
    if lesson.builtin:
        return _in_language(lessons.builtin(lesson.builtin).task)
    return lesson.task


def _in_language(texts) -> str:
    return texts.get(language()) or texts["en"]


# --- the student's lesson panel ----------------------------------------------------------------


def lesson_panel() -> None:
    """Above the form: the task, the choices the lesson offers, the student's name; or why a link
    could not be opened."""
    problem = st.session_state.get(OPEN_ERROR)
    if problem is not None:
        st.error(t("lesson.cannot_open", reason=say(problem)), icon=":material/link_off:")
        st.button(t("lesson.leave"), on_click=leave_lesson, key="lesson_leave_error")
        return
    lesson = st.session_state.get(LESSON)
    if lesson is None:
        return
    with st.container(border=True, key="lesson_panel"):
        st.markdown(f"#### :material/school: {t('lesson.heading', title=title(lesson))}")
        if task(lesson):
            st.markdown(plain(task(lesson), limit=lessons.MAX_TASK, paragraphs=True))
        shown = t("lesson.locked_hidden") if lesson.hide_locked else t("lesson.locked_shown")
        code = t("lesson.class_code_note", code=lesson.class_code) if lesson.class_code else ""
        st.caption(" ".join(filter(None, [shown, code])))
        for name, allowed in lesson.choices.items():
            widgets.derived_picker(
                train_form.field_label(name),
                list(range(len(allowed))),
                _index(allowed, _form_value(name, lesson)),
                functools.partial(_choice_made, name),
                key=_choice_key(name),
                format_func={i: format_value(name, value) for i, value in enumerate(allowed)}.get,
            )
        st.session_state.setdefault(STUDENT, st.session_state.get("share_name", ""))
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.text_input(t("lesson.student"), key=STUDENT, max_chars=80, help=t("lesson.student_help"))
        buttons = right.container(horizontal=True)
        buttons.button(t("lesson.reset"), on_click=start_lesson, args=(lesson,), key="lesson_reset")
        buttons.button(t("lesson.leave"), on_click=leave_lesson, key="lesson_leave")


def _choice_key(name: str) -> str:
    return f"lesson_choice_{name}"


def _index(allowed, value) -> int:
    plain = lessons.json_value(value)
    return next((i for i, v in enumerate(allowed) if lessons.json_value(v) == plain), 0)


def _form_value(name: str, lesson: Lesson):
    """The value the form holds for a lesson's choice (the lesson's own while the form is invalid)."""
    try:
        return getattr(train_form.current_config(), name)
    except ValueError:
        return getattr(lesson.config, name)


def _choice_made(name: str, index: int) -> None:
    lesson = st.session_state.get(LESSON)
    if lesson is None:
        return
    train_form.set_field(name, lessons.from_json_value(name, lesson.choices[name][index]))


def format_value(name: str, value) -> str:
    """A choice as a student reads it: shares as percentages, yes/no lists as words."""
    if name in SPECS and SPECS[name].unit == "share":  # declared in classifier/core/config.py
        return f"{value:.0%}"
    if name == "pool_after":
        return t("lesson.pooling_on") if any(value) else t("lesson.pooling_off")
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or t("config.none")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def run_tag() -> dict | None:
    """What a run started now keeps of the lesson (None outside a lesson); a bad name raises."""
    lesson = st.session_state.get(LESSON)
    return lesson.tag(st.session_state.get(STUDENT, "")) if lesson is not None else None


# --- the teacher's panel -------------------------------------------------------------------------


def teacher_panel(config: Config | None) -> None:
    """Make a lesson of the form's settings: what students may change, the task, the class code;
    the link appears below, with the Class page's link for following the class. Not drawn while a
    lesson is open: students follow one, and a teacher leaves it to make another."""
    if st.session_state.get(LESSON) is not None:
        return
    with st.expander(t("teach.title"), icon=":material/school:", expanded=False):
        st.caption(t("teach.intro"))
        if config is None:
            st.info(t("teach.fix_first"))
            return
        st.session_state.setdefault("teach_free", [])
        st.multiselect(
            t("teach.free"),
            list(lessons.FIELDS),
            key="teach_free",
            format_func={name: train_form.field_label(name) for name in lessons.FIELDS}.get,
            help=t("teach.free_help"),
            **widgets.choose_texts(),
        )
        for name, values in lessons.OFFERABLE.items():
            st.multiselect(
                t("teach.choices", field=train_form.field_label(name)),
                list(values),
                key=f"teach_choice_{name}",
                format_func={v: format_value(name, v) for v in values}.get,
                help=t("teach.choices_help"),
                **widgets.choose_texts(),
            )
        st.radio(
            t("teach.locked"),
            (False, True),
            key="teach_hide",
            format_func={False: t("teach.locked_shown"), True: t("teach.locked_hidden")}.get,
            horizontal=True,
        )
        st.text_input(t("teach.lesson_title"), key="teach_title", max_chars=lessons.MAX_TITLE)
        st.text_area(t("teach.task"), key="teach_task", max_chars=lessons.MAX_TASK, help=t("teach.task_help"))
        st.session_state.setdefault("teach_code", lessons.new_class_code())
        st.text_input(t("teach.code"), key="teach_code", max_chars=24, help=t("teach.code_help"))
        if st.button(t("teach.make"), type="primary", icon=":material/link:", key="teach_make"):
            try:
                made = _teacher_lesson(config)
                st.session_state.teach_link = made.token()
                # This browser teaches the class now (unless another made it first): its runs in
                # the lesson go first in the queue. Recorded on the server, never in the link.
                teachers.claim(state.engine().store, made.group, state.owner())
                st.session_state.pop("teach_problem", None)
            except ClassifierError as error:
                st.session_state.teach_problem = error.message
                st.session_state.pop("teach_link", None)
        if st.session_state.get("teach_problem") is not None:
            st.error(t("teach.failed", reason=say(st.session_state.teach_problem)))
        token = st.session_state.get("teach_link")
        if token:
            lesson = lessons.open_link(token)
            st.success(t("teach.ready", length=len(link(lesson))))
            st.code(link(lesson), language=None, wrap_lines=True)
            st.page_link(
                "pages/class_.py",
                label=t("teach.follow"),
                icon=":material/groups:",
                query_params={"class": lesson.group},
            )


def _teacher_lesson(config: Config) -> Lesson:
    free = tuple(st.session_state.get("teach_free") or ())
    choices = {}
    for name in lessons.OFFERABLE:
        picked = list(st.session_state.get(f"teach_choice_{name}") or ())
        if picked:
            current = getattr(config, name)
            values = sorted({*picked, current})  # the form's own value is always one of them
            choices[name] = tuple(values)
    free = tuple(name for name in free if name not in choices)
    code = st.session_state.get("teach_code", "")
    return Lesson.from_config(
        config,
        free=free,
        choices=choices,
        hide_locked=bool(st.session_state.get("teach_hide")),
        title=st.session_state.get("teach_title", "").strip(),
        task=st.session_state.get("teach_task", "").strip(),
        class_code=lessons.normalise_code(code) if code.strip() else "",
    )


def link(lesson: Lesson) -> str:
    """The whole link: this server's address, /train, the lesson and the reader's language."""
    url = st.context.url or ""
    base = url[: url.rfind("/")] if "://" in url else ""
    return f"{base}/train?{lesson.query(language())}"


# --- Inside the network, for the teacher -------------------------------------------------------------


def class_run_choice() -> state.ModelChoice | None:
    """`/inside?run=ID&class=GROUP` (a link on the Class page): that student's run, read-only, if
    it belongs to that class; None otherwise (the page then offers its usual picker)."""
    run_id, group = st.query_params.get("run"), st.query_params.get("class")
    if not run_id or not group:
        return None
    viewer = class_viewer(group)
    try:
        info = state.engine().store.load(run_id, viewer)
    except RunError as error:
        st.error(say(error))
        return None
    if state.engine().store.model_path(run_id) is None:
        st.info(t("class.no_checkpoint"))
        return None
    name = student_name(info, [info])
    st.info(t("class.read_only", student=name, lesson=title(tag=info.lesson)), icon=":material/visibility:")
    st.page_link("pages/class_.py", label=t("class.back"), icon=":material/groups:", query_params={"class": group})
    return state.ModelChoice(run_id, name, info.config.dataset, info.config.limit, info=info, mine=False, viewer=viewer)


def student_name(info: RunInfo, runs: list[RunInfo]) -> str:
    """The name the student gave, or "Student N" in the order the class's runs started."""
    given = (info.lesson or {}).get("student")
    if given:
        return given
    owners = list(dict.fromkeys(r.owner for r in sorted(runs, key=lambda r: r.created)))
    if info.owner in owners:
        return t("class.anonymous", n=owners.index(info.owner) + 1)
    return t("class.anonymous", n=hashlib.blake2s(str(info.owner).encode(), digest_size=2).hexdigest())


def lesson_label(info: RunInfo) -> str:
    """For the Runs page: the lesson a run came from, and its class code; "–" for none."""
    if not info.lesson:
        return "–"
    code = info.lesson.get("class_code")
    return f"{title(tag=info.lesson)} · {code}" if code else title(tag=info.lesson)
