"""Class: a teacher's live view of one lesson's runs (who trains, how far, how well, every curve
overlaid), a way into each student's run, and the built-in lessons to hand out."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from classifier.core.runs import class_viewer
from classifier.engine import plan
from classifier.teach import lessons, rehearse
from classifier.teach.lessons import LessonError
from ui import charts, require_app, state, train_form
from ui import lessons as lesson_ui
from ui.i18n import format_duration, say, t
from ui.text import plain, shown

require_app()

NO_FIGURE = "—"  # an accuracy not measured yet (the column's tooltip says why)
REFRESH_SECONDS = 2.0  # the class view polls the run folders; students' runs report once a second


def pick_group() -> str | None:
    """The class to show: a class code or a lesson link, typed or from `?class=`."""
    if "class_input" not in st.session_state:
        st.session_state.class_input = st.query_params.get("class", "")
    text = st.text_input(t("class.input"), key="class_input", help=t("class.input_help"), placeholder="K7QM2X")
    if not text.strip():
        st.query_params.pop("class", None)
        return None
    try:
        group = lessons.group_of(text)
    except LessonError as error:
        st.error(say(error))
        return None
    st.query_params["class"] = group  # a reload, or the address handed to a colleague, shows this class
    return group


def class_view(group: str) -> None:
    """Everything about the class's runs, redrawn every REFRESH_SECONDS while the page is open."""
    engine = state.engine()
    runs = lessons.class_runs(engine.store, group)
    if not runs:
        st.info(t("class.empty"), icon=":material/hourglass_empty:")
        return
    by_lesson: dict[str, list] = {}
    for info in runs:  # newest first: the lesson given last comes first
        by_lesson.setdefault(info.lesson.get("key", ""), []).append(info)
    key = next(iter(by_lesson))
    if len(by_lesson) > 1:  # one class code used for several lessons
        titles = {k: lesson_ui.title(tag=v[0].lesson) for k, v in by_lesson.items()}
        pick = {k: shown(title) for k, title in titles.items()}.get
        key = st.selectbox(t("class.lesson"), list(by_lesson), format_func=pick, key="class_lesson")
    runs = by_lesson[key]
    st.subheader(plain(lesson_ui.title(tag=runs[0].lesson)))
    viewer = class_viewer(group)
    progress = {info.run_id: engine.progress(info.run_id, viewer) for info in runs}
    names = {info.run_id: lesson_ui.student_name(info, runs) for info in runs}

    tested = [p.test_accuracy for p in progress.values() if p.test_accuracy is not None]
    cells = st.columns(5)
    cells[0].metric(t("class.students"), len({info.owner for info in runs}))
    cells[1].metric(t("class.training"), sum(not p.done for p in progress.values()))
    cells[2].metric(t("class.finished"), sum(p.status == "finished" for p in progress.values()))
    cells[3].metric(t("class.best"), f"{max(tested):.1%}" if tested else "–")
    trainings = len({info.shared or info.run_id for info in runs})
    cells[4].metric(t("class.trainings"), trainings, help=t("class.trainings_help"))

    st.markdown(f"**{t('class.leaderboard')}**")
    st.dataframe(
        leaderboard(runs, progress, names),
        hide_index=True,
        width="stretch",
        column_config={  # shown as text: a dash, explained, where a run has no figure yet (not "None")
            t("class.col.now"): st.column_config.TextColumn(help=t("class.col.now_help")),
            t("class.col.final"): st.column_config.TextColumn(help=t("class.col.final_help")),
        },
        key="class_table",
    )
    st.markdown(f"**{t('class.curves')}**")
    st.caption(t("class.curves_caption"))
    series = [(names[i.run_id], progress[i.run_id].batches, list(progress[i.run_id].history)) for i in runs]
    labels = {"epoch": t("chart.epoch"), "accuracy": t("chart.accuracy"), "train": t("chart.train"),
              "test": t("class.test"), "waiting": t("class.waiting")}  # fmt: skip
    epochs = max((p.epochs for p in progress.values()), default=0) or max(i.config.epochs for i in runs)
    st.plotly_chart(charts.class_curves(series, labels, epochs), key="class_curves")

    looked = [info for info in runs if progress[info.run_id].history]
    if looked:
        st.markdown(f"**{t('class.inside_links')}**")
        row = st.container(horizontal=True, key="class_inside_links")
        for info in looked:
            row.page_link(
                "pages/inside.py",
                label=plain(names[info.run_id]),
                icon=":material/visibility:",
                query_params={"run": info.run_id, "class": group},
            )


def leaderboard(runs, progress, names) -> pd.DataFrame:
    """One row per run, best first: final test accuracy, else the latest epoch's; then the settings
    in which the students' runs differ (what each chose)."""
    differing = [
        name for name in lessons.FIELDS if len({repr(getattr(info.config, name)) for info in runs}) > 1
    ]  # fmt: skip
    rows = []
    for info in runs:
        snap = progress[info.run_id]
        now = next((r["val_accuracy"] for r in reversed(snap.history) if r.get("val_accuracy") is not None), None)
        epoch = snap.epoch if snap.status == "running" else len(snap.history)  # queued: 0, done: epochs trained
        row = {
            t("class.col.student"): names[info.run_id],
            t("class.col.status"): t(f"status.{snap.status}"),
            t("class.col.epoch"): f"{epoch} / {snap.epochs}",
            t("class.col.now"): now,
            t("class.col.final"): snap.test_accuracy,
        }
        for name in differing:
            row[train_form.field_label(name)] = lesson_ui.format_value(name, getattr(info.config, name))
        row[t("class.col.time")] = format_duration(snap.elapsed) if snap.started else "–"
        row[t("class.col.queue")] = queue_cell(snap)
        row[t("class.col.shared")] = snap.students or 1
        rows.append(row)
    table = pd.DataFrame(rows)
    score = table[t("class.col.final")].fillna(table[t("class.col.now")]).fillna(-1.0)
    table = table.iloc[score.sort_values(ascending=False, kind="stable").index].reset_index(drop=True)
    table.insert(0, t("class.col.rank"), range(1, len(table) + 1))
    for column in (t("class.col.now"), t("class.col.final")):
        table[column] = [NO_FIGURE if pd.isna(value) else f"{value:.1%}" for value in table[column]]
    return table


def queue_cell(snap) -> str:
    """A queued run's place and expected start and end (measured epoch time); "–" once it trains."""
    if snap.status != "queued":
        return "–"
    position = snap.queue_position or 1
    if snap.expected_start is None or snap.expected_end is None:
        return t("queue.cell_unknown", position=position)
    now = time.time()
    return t(
        "queue.cell",
        position=position,
        start=format_duration(max(0.0, snap.expected_start - now)),
        end=format_duration(max(0.0, snap.expected_end - now)),
    )


def give_a_lesson(group: str | None) -> None:
    """The six built-in lessons, each as a link for this class (its code, the reader's language)."""
    with st.expander(t("class.give"), icon=":material/school:", expanded=group is None):
        st.caption(t("class.give_intro"))
        ids = [entry.id for entry in lessons.BUILTIN]
        chosen = st.selectbox(
            t("class.give_pick"),
            ids,
            format_func={i: lesson_ui.title(lessons.builtin(i).lesson) for i in ids}.get,
            key="class_give",
        )
        entry = lessons.builtin(chosen)
        st.markdown(plain(lesson_ui.task(entry.lesson), limit=lessons.MAX_TASK, paragraphs=True))
        free = [train_form.field_label(name) for name in (*entry.lesson.free, *entry.lesson.choices)]
        st.caption(t("class.give_free", fields=", ".join(free) or t("config.none")))
        code = group if group and not group.startswith("link-") else None
        st.session_state.setdefault("class_give_code", code or lessons.new_class_code())
        if code and st.session_state.get("class_give_synced") != code:
            st.session_state.class_give_code = st.session_state.class_give_synced = code
        typed = st.text_input(t("class.give_code"), key="class_give_code", max_chars=24, help=t("teach.code_help"))
        try:
            lesson = entry.lesson.with_class(typed)
        except LessonError as error:
            st.error(say(error))
            return
        st.code(lesson_ui.link(lesson), language=None, wrap_lines=True)
        if group != lesson.group:
            st.button(
                t("class.give_follow"), key="class_give_follow", on_click=_follow, args=(lesson.class_code,)
            )  # fmt: skip


def rehearse_a_lesson() -> None:
    """Before class: how many trainings N students need for a lesson on this server, and how long the
    last one waits (classifier/teach/rehearse.py), with the run time measured here."""
    with st.expander(t("rehearse.title"), icon=":material/event_upcoming:", expanded=False):
        st.caption(t("rehearse.intro"))
        ids = [entry.id for entry in lessons.BUILTIN]
        names = {"": t("rehearse.own_link"), **{i: lesson_ui.title(lessons.builtin(i).lesson) for i in ids}}
        chosen = st.selectbox(
            t("rehearse.lesson"),
            ["", *ids],
            format_func=names.get,
            index=2,
            key="rehearse_lesson",
        )
        try:
            if chosen:
                lesson = lessons.builtin(chosen).lesson
            else:
                typed = st.text_input(t("rehearse.link"), key="rehearse_link")
                if not typed.strip():
                    return
                lesson = lessons.open_link(typed)
        except LessonError as error:
            st.error(say(error))
            return
        students = st.number_input(t("rehearse.students"), 1, rehearse.MAX_STUDENTS, 30, key="rehearse_students")
        tried = {}
        for name, values in lesson.choices.items():
            st.caption(t("rehearse.choice_field", field=train_form.field_label(name), count=len(values)))
        for name in lesson.free:
            tried[name] = st.number_input(
                t("rehearse.free_field", field=train_form.field_label(name)),
                1,
                rehearse.MAX_VALUES,
                2,
                key=f"rehearse_free_{name}",
            )
        config = lesson.config
        sizes = plan.planned_images(config)
        rates = state.epoch_rates(config, sizes[2]) if sizes else None
        seconds = rehearse.run_seconds(lesson, rates) if isinstance(rates, dict) else None
        try:
            result = rehearse.rehearse(lesson, int(students), tried, state.engine().max_concurrent, seconds)
        except LessonError as error:
            st.error(say(error))
            return
        for note in result.notes:
            st.info(say(note))
        cells = st.columns(3)
        cells[0].metric(
            t("rehearse.trainings"),
            f"{result.trainings_expected:g}",
            help=t("rehearse.trainings_help", most=result.trainings_most, combinations=result.combinations),
        )
        if result.last_start_s is None:
            waiting = t("rehearse.measuring") if rates == state.MEASURING else t("rehearse.unknown")
            cells[1].metric(t("rehearse.last_wait"), "–", help=waiting)
            st.caption(waiting)
            if rates == state.MEASURING:
                st.fragment(_rerun_when_measured, run_every=1.0)(config, sizes[2])
            return
        cells[1].metric(
            t("rehearse.last_wait"),
            format_duration(result.last_start_s),
            help=t("rehearse.last_end", end=format_duration(result.last_end_s)),
        )
        cells[2].metric(
            t("rehearse.unshared"),
            format_duration(result.unshared_last_start_s),
            help=t("rehearse.last_end", end=format_duration(result.unshared_last_end_s)),
        )
        st.caption(
            t(
                "rehearse.summary",
                students=result.students,
                most=result.trainings_most,
                slots=result.slots,
                run=format_duration(result.run_seconds),
                end=format_duration(result.last_end_s),
            )
        )


def _rerun_when_measured(config, num_classes: int) -> None:
    if state.epoch_rates(config, num_classes) != state.MEASURING:
        st.rerun()


def _follow(code: str) -> None:
    st.session_state.class_input = code


st.title(t("class.title"))
st.caption(t("class.intro"))
group = pick_group()
if group is not None:
    st.fragment(class_view, run_every=REFRESH_SECONDS)(group)
give_a_lesson(group)
rehearse_a_lesson()
st.caption(t("class.privacy"))
