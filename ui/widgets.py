"""Pieces of UI that more than one page shows."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np
import streamlit as st

from classifier.core import inspect
from classifier.core.config import PRESETS, SEED, matching_preset, preset_apart_from_epochs
from classifier.core.data import BUILTIN, DatasetError, describe_source
from classifier.core.messages import ClassifierError, Message
from classifier.core.predict import ModelError, default_model_info
from classifier.core.runs import RunError, RunInfo, can_modify
from ui import alt_text, charts, state
from ui.i18n import class_names, language, say, t, t_text
from ui.text import plain, shown


def dataset_label(info: RunInfo) -> str:
    """The run's data set in the reader's language ("CIFAR-10, 3,000 images"): the stored name
    is the package's English ("cifar10 (first 3000)"), which reached Chinese pages. An upload keeps
    the name it was uploaded under."""
    return data_label(info.config.dataset, info.config.limit, info.dataset_name)


def data_label(source: str, limit: int | None, stored: str = "") -> str:
    """A data set in the reader's language from its source and image limit; `stored` is the name
    the package gave it (kept for an upload, and for what follows the source in a sweep's name)."""
    if source not in BUILTIN:
        return stored or describe_source(source)
    stored, name, english = stored or source, t_text(f"data.{source}.short"), source
    limited = f"{source} (first {limit})"  # as classifier.core.data's subset names it
    if limit and stored.startswith(limited):
        english, name = limited, t_text("data.first_images", name=name, limit=f"{limit:,}")
    # What follows the source stays: a little-data sweep's share and augmentation ("· 25% · flip").
    return name + stored[len(english) :] if stored.startswith(english) else stored


def describe_run(info: RunInfo) -> str:
    """A short, recognisable name for a run in pickers and tables."""
    when = time.strftime("%m-%d %H:%M", time.localtime(info.created))
    accuracy = f" · {info.test_accuracy:.1%}" if info.test_accuracy is not None else ""
    dataset = dataset_label(info)
    sharer = f" · {info.shared_as}" if info.public and info.shared_as and info.owner != state.owner() else ""
    return f"{when} · {dataset} · {t('status.' + info.status)}{accuracy}{sharer}"


def choose_texts() -> dict:
    """The keyword arguments that put a multiselect's own texts in the reader's language: its
    placeholder ("Choose options"), and in Chinese no "Select all" / "Select N matches" entry, whose
    English text Streamlit 1.67 offers no way to change (`select_all=False` removes the entry)."""
    texts = {"placeholder": t("widget.choose")}
    if language() != "en":
        texts["select_all"] = False
    return texts


def streamlit_texts() -> None:
    """Streamlit's own uploader texts in the reader's language. A file the uploader refuses before
    sending it (over server.maxUploadSize, or of a type the box does not take) gets only a red icon,
    its English reason hidden for screen readers: on every page the chip says why, in the reader's
    language. On a page not in English, the button ("Upload") and the size line ("200MB per file")
    too. Streamlit 1.67 has no option for any (upstream issue streamlit/streamlit#13500), so a style
    sheet keyed by the uploader's test ids hides the English words and writes ours in their place;
    tests/test_friction_browser_2.py and tests/test_safety_browser.py check the result, and so fail
    if an upgrade changes the uploader's markup."""
    size = int(st.get_option("server.maxUploadSize"))
    refused = '[data-testid="stFileChip"][aria-invalid="true"]'
    rules = [
        f"{refused} {{ flex-wrap: wrap; }}",
        f'{refused}::after {{ content: "{t("widget.upload_refused", size=size)}"; flex-basis: 100%; '
        "font-size: 0.75rem; white-space: normal; }",
    ]
    if language() != "en":
        button = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
        size_line = '[data-testid="stFileUploaderDropzoneInstructions"] span'
        rules += [
            f"{button} {{ font-size: 0; }}",
            f'{button}::after {{ content: "{t("widget.upload")}"; font-size: 1rem; }}',
            f"{size_line} {{ font-size: 0; }}",
            f'{size_line}::after {{ content: "{t("widget.upload_limit", size=size)}"; font-size: 0.875rem; }}',
        ]
    st.html("<style>\n" + "\n".join(rules) + "\n</style>")


def derived_picker(label: str, options: list, shown, on_pick, key: str, **kwargs) -> None:
    """A segmented control that shows `shown`, a value derived from other state (the preset the
    form's settings match, a lesson's choice the form holds), and calls `on_pick(option)` when
    the reader picks another option.

    The value is never written into session state. The server changes what is shown by keying
    the control by it (and by the number of picks so far): a fragment's timer tick can carry a
    control's previous value back after the server changed it (seen with Streamlit 1.67: the Train
    page's form jumped back to the seed preset), and that echo always equals the shown value of its
    own, older key, so it is ignored."""
    picks = f"{key}#picks"  # each pick draws a new control, so a pick that changed nothing shows the truth again
    widget_key = f"{key}@{shown}#{st.session_state.get(picks, 0)}"
    st.segmented_control(
        label,
        options,
        default=shown,
        key=widget_key,
        on_change=_picked,
        args=(widget_key, picks, shown, on_pick),
        required=True,
        **kwargs,
    )
    _keyboard_friendly(widget_key, refocus=st.session_state.pop(f"{key}#refocus", False))


# Streamlit 1.67's segmented control makes every option a tab stop, so Shift+Tab into it lands on
# the last option ("Custom") rather than the chosen one; and a derived_picker draws a new control
# after each pick (see above), so the focus ring vanished with the old one. This script makes the
# chosen option the control's one tab stop (the arrow keys still move between options, as a radio
# group's do) and, after a pick, gives the new control's chosen option the focus back.
_KEYBOARD_SCRIPT = """<script>
(() => {
  let tries = 0;
  const apply = () => {
    const box = document.querySelector(%(selector)s);
    const buttons = box ? [...box.querySelectorAll("button[role='radio']")] : [];
    const chosen = buttons.find((button) => button.getAttribute("aria-checked") === "true");
    if (!chosen) { if (tries++ < 50) setTimeout(apply, 100); return; }
    buttons.forEach((button) => { button.tabIndex = button === chosen ? 0 : -1; });
    box.addEventListener("focusout", () => setTimeout(() => {
      if (!box.contains(document.activeElement)) buttons.forEach((b) => { b.tabIndex = b === chosen ? 0 : -1; });
    }));
    box.addEventListener("focusin", () => buttons.forEach((b) => { b.tabIndex = 0; }));
    if (%(refocus)s) chosen.focus({focusVisible: true});
  };
  apply();
})();
</script>"""


def _keyboard_friendly(widget_key: str, refocus: bool) -> None:
    import json
    import re

    selector = ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", widget_key.strip())  # the class Streamlit gives it
    script = _KEYBOARD_SCRIPT % {"selector": json.dumps(selector), "refocus": "true" if refocus else "false"}
    st.html(script, unsafe_allow_javascript=True, width="content")


def _picked(widget_key: str, picks: str, shown, on_pick) -> None:
    st.session_state[picks] = st.session_state.get(picks, 0) + 1
    st.session_state[picks.replace("#picks", "#refocus")] = True
    option = st.session_state[widget_key]
    if option != shown:
        on_pick(option)


UPLOAD = "upload"


def model_picker(key: str) -> state.ModelChoice | None:
    """The built-in model, any visible run with a checkpoint (the current run first), or an upload.
    It opens on the student's latest finished run (the built-in model when there is none), and
    says below which model is shown."""
    choices = state.model_choices(t("model.builtin"), describe_run)
    current = st.session_state.get(state.JOB_ID)
    choices.sort(key=lambda c: (c.run_id is not None, c.run_id != current))
    by_key = {c.key: c for c in choices}
    labels = {
        c.key: (t_text("model.current", name=c.label) if c.run_id and c.run_id == current else shown(c.label))
        for c in choices
    }
    labels[UPLOAD] = t("model.upload_option")
    default = state.default_choice(choices)
    chosen = st.selectbox(
        t("model.pick"), list(labels), index=list(labels).index(default.key), format_func=labels.get, key=key
    )
    if chosen == UPLOAD:
        upload = st.file_uploader(t("model.upload"), type=["keras"], key=f"{key}_file", help=t("model.upload_help"))
        if upload is None:
            return None
        choice = state.ModelChoice(None, upload.name, "cifar10", upload=upload.getvalue())
    else:
        choice = by_key.get(chosen)
    if choice is not None:
        st.caption(model_note(choice, latest=choice is default and choice.run_id is not None))
    return choice


def tested_tta(choice: state.ModelChoice | None) -> str:
    """How the chosen model's own test figure was measured ("flip": each image averaged with its
    mirror): the built-in model's from its record, a run's from its settings; an upload's: "none"."""
    if choice is None or choice.upload is not None:
        return "none"
    if choice.info is None:
        return default_model_info().get("tta", "none")
    return choice.info.config.tta


def model_note(choice: state.ModelChoice, latest: bool = False) -> str:
    """One sentence saying which network is shown: the built-in model is the strong preset, not the
    tutorial's seed network that Home and Train draw; a run is named by whose it is and its settings."""
    if choice.upload is not None:
        return t("model.about_upload", name=choice.label)
    if choice.info is None:
        info = default_model_info()
        name = info.get("preset", "strong")
        return t(
            "model.about_builtin",
            preset=t(f"preset.{name}") if name in PRESETS else name,
            accuracy=info.get("test_accuracy", 0.0),
            filters=_filters(PRESETS[name].conv_filters if name in PRESETS else ()),
            seed=_filters(SEED.conv_filters),
            seed_preset=t("preset.seed"),
        )
    run = choice.info
    when = time.strftime("%m-%d %H:%M", time.localtime(run.created))
    if latest:
        whose = t("model.whose.latest", when=when)
    elif choice.mine:
        whose = t("model.whose.mine", when=when)
    elif run.shared_as:
        whose = t("model.whose.shared", name=run.shared_as, when=when)
    else:
        whose = t("model.whose.class", when=when)
    return t(
        "model.about_run",
        whose=whose,
        settings=settings_name(run.config),
        filters=_filters(run.config.conv_filters),
        dataset=dataset_label(run),
    )


def settings_name(config) -> str:
    """A run's settings in words: "Seed settings", "Seed network, 2 epochs", "Custom settings"."""
    exact = matching_preset(config)
    if exact:
        return t("preset.settings", preset=t(f"preset.{exact}"))
    near = preset_apart_from_epochs(config)
    if near:
        return t("preset.epochs_variant", preset=t(f"preset.{near}"), epochs=config.epochs)
    return t("preset.settings", preset=t("preset.custom"))


def _filters(conv_filters) -> str:
    return " → ".join(map(str, conv_filters))


def data_notes(notes, skip=()) -> None:
    """A data set's notes, each once, as information in the reader's language (the note that a zip
    without a test folder lends part of its training images to testing is normal behaviour)."""
    for note in dict.fromkeys(notes):
        if note not in skip:
            st.info(say(note), icon=":material/info:")


def run_warnings(warnings, skip=()) -> None:
    """A run's warnings: its data set's notes as information (see data_notes), anything else in yellow."""
    notes = [w for w in warnings if w not in skip]
    data_notes([w for w in notes if w.code.startswith("data.note_")])
    for warning in dict.fromkeys(w for w in notes if not w.code.startswith("data.note_")):
        st.warning(say(warning))


def share_panel(info: RunInfo, key: str) -> None:
    """Share a run with the class under a display name, or stop sharing; confirmed on screen.
    Drawn for the run's owner only (the store refuses anyone else too)."""
    if not can_modify(info, state.owner()):
        return
    with st.container(border=True):
        st.markdown(f"**{t('share.title')}**")
        if info.public:
            st.success(t("share.shared_as", name=info.shared_as) if info.shared_as else t("share.shared"))
            st.button(t("share.stop"), key=f"{key}_stop", on_click=_share, args=(info.run_id, False, None, key))
        else:
            st.caption(t("share.private"))
            # The name given to the class before Start (a lesson's) is offered here too: typed once.
            given = info.shared_as or (info.lesson or {}).get("student") or st.session_state.get("share_name", "")
            if st.session_state.get(f"{key}_name_run") != info.run_id:  # once per run: then it is theirs to edit
                st.session_state[f"{key}_name_run"] = info.run_id
                if given or f"{key}_name" not in st.session_state:
                    st.session_state[f"{key}_name"] = given
            left, right = st.columns([3, 2], vertical_alignment="bottom")
            left.text_input(t("share.name"), key=f"{key}_name", max_chars=80, help=t("share.name_help"))
            right.button(
                t("runs.public"),
                key=f"{key}_share",
                on_click=_share,
                args=(info.run_id, True, f"{key}_name", key),
                type="primary",
                icon=":material/group:",
            )
        problem = st.session_state.pop(f"{key}_problem", None)
        if problem:
            st.error(t("share.failed", reason=problem))


def _share(run_id: str, public: bool, name_key: str | None, key: str) -> None:
    name = st.session_state.get(name_key, "") if name_key else None
    try:
        info = state.engine().store.set_public(run_id, public, state.owner(), shared_as=name)
    except ClassifierError as error:  # a bad display name, or not this viewer's run
        st.session_state[f"{key}_problem"] = say(error)
        return
    if public:
        st.session_state.share_name = info.shared_as  # offered again for the next run
        st.toast(
            t("share.done_as", name=info.shared_as) if info.shared_as else t("share.done"),
            icon=":material/check_circle:",
        )
    else:
        st.toast(t("share.stopped"))


def load_choice(choice: state.ModelChoice):
    """The chosen model, or None after showing why it cannot be used."""
    try:
        return choice.load()
    except (ModelError, RunError) as error:
        st.error(t("model.unusable", reason=say(error)))
        return None


def loading_text(phase) -> str:
    """The loading bar's line: "Loading data: <what is read now>", once ("Loading data" alone when
    the worker has said no more than that; it read "Loading data: Loading data")."""
    if phase is None or phase.code == "engine.phase_loading":
        return t("msg.engine.phase_loading")
    return t("data.loading", detail=say(phase))


def load_dataset_or_explain(source: str, limit: int | None, key: str):
    """The data set, with a progress bar on first load; on failure a clear message and,
    for CIFAR-10, a one-click switch to the built-in shapes set."""
    bar = st.empty()

    def progress(fraction: float, message: Message) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=loading_text(message))

    try:
        dataset = state.dataset(source, limit, progress=progress)
    except DatasetError as error:
        bar.empty()
        message = error.message
        label = (
            st.session_state.get(state.UPLOADED_LABEL)
            if source == st.session_state.get(state.UPLOADED_DATASET)
            else None
        )
        if label and message.params.get("name") == Path(source).name:
            # Uploads are stored under a random name; the student knows their file by its own name.
            message = Message(message.code, {**message.params, "name": label})
        st.error(t("data.failed", reason=say(message)))
        if source == "cifar10":
            st.button(t("data.use_shapes"), key=key, on_click=switch_to_shapes, type="primary")
        return None
    bar.empty()
    return dataset


def switch_to_shapes() -> None:
    st.session_state["hp_dataset"] = "shapes"


def image_grid(
    images: list[np.ndarray], captions: list[str], columns: int = 8, scale: int = 3, alts: list[str] | None = None
) -> None:
    """`alts`: each picture's text alternative (plain text); the caption's text when not given."""
    alts = alts or [shown(caption) for caption in captions]
    for start in range(0, len(images), columns):
        cells = st.columns(columns)
        row = slice(start, start + columns)
        for cell, image, caption, alt in zip(cells, images[row], captions[row], alts[row]):
            cell.image(
                charts.enlarge(image, scale), caption=plain(caption), alt=alt, width="stretch", output_format="PNG"
            )


def run_results(info: RunInfo, key: str, notes_shown=()) -> None:
    """Test metrics, confusion matrix, per-class accuracy, mistakes gallery and model download.
    `notes_shown`: data-set notes the page already shows (each note appears once)."""
    store = state.engine().store
    columns = st.columns(3)
    if info.test_accuracy is not None:
        columns[0].metric(t("results.test_accuracy"), f"{info.test_accuracy:.1%}")
        columns[1].metric(t("results.test_loss"), f"{info.test_loss:.3f}")
    columns[2].metric(t("results.epochs"), f"{info.epochs_completed} / {info.config.epochs}")
    run_warnings(info.warnings, skip=notes_shown)
    model_path = store.model_path(info.run_id)
    # The trained file goes to its owner, or to anyone once shared; a class viewer only looks.
    if model_path is not None and (info.public or can_modify(info, state.owner())):
        st.download_button(
            t("results.download"),
            data=model_path.read_bytes(),
            file_name=f"cnn-{info.run_id[:8]}.keras",
            mime="application/octet-stream",
            key=f"{key}_download",
            icon=":material/download:",
        )
    predictions = store.predictions(info.run_id)
    if predictions is None:
        return
    y_true, probabilities = predictions
    classes = class_names(info.classes)
    matrix = inspect.confusion_matrix(y_true, probabilities.argmax(axis=1), len(classes))
    focus_key = f"{key}_focus"  # what the gallery shows: None, ("cell", true, predicted) or ("class", c)
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("results.confusion"))
        chart_key = f"{key}_confusion"
        st.plotly_chart(
            charts.confusion_heatmap(
                matrix,
                classes,
                {
                    "predicted": t("results.predicted"),
                    "true": t("results.true"),
                    "count": t("results.count"),
                    # Plotly fills these from each cell's point: (true, predicted, count, true name, predicted name);
                    # t_text: a hover label is no Markdown (t's escapes showed on hover as backslashes)
                    "hover": t_text(
                        "results.cell_hover",
                        true="%{customdata[3]}",
                        predicted="%{customdata[4]}",
                        count="%{customdata[2]}",
                    ),
                },
            ),
            key=chart_key,
            on_select=functools.partial(_focus_on_cell, chart_key, focus_key),
            selection_mode="points",
            config={"displayModeBar": False},
        )
    with right:
        st.subheader(t("results.per_class"))
        chart_key = f"{key}_per_class"
        st.plotly_chart(
            charts.per_class_bars(inspect.per_class_accuracy(matrix), classes, t("results.accuracy")),
            key=chart_key,
            on_select=functools.partial(_focus_on_class, chart_key, focus_key),
            selection_mode="points",
            config={"displayModeBar": False},
        )
        st.markdown(alt_text.per_class_summary(inspect.per_class_accuracy(matrix), classes))
        pairs = inspect.most_confused(matrix, classes, 5)
        if pairs:
            st.markdown(t("results.confused_pairs"))
            for true_name, predicted_name, count in pairs:
                st.markdown(t("results.confused_pair", true=true_name, predicted=predicted_name, count=count))
    st.markdown(alt_text.confusion_summary(matrix, classes))
    with st.expander(t("alt.as_table"), icon=":material/table_rows:"):
        st.dataframe(alt_text.confusion_table(matrix, info.classes), hide_index=True, key=f"{key}_confusion_table")
    cell_picker(matrix, classes, focus_key, key)
    st.caption(t("results.click_hint"))
    gallery(info, key, y_true, probabilities, matrix, classes, st.session_state.get(focus_key))


def cell_picker(matrix: np.ndarray, classes, focus_key: str, key: str) -> None:
    """The keyboard's (and screen reader's) way to click a confusion-matrix cell: a select box of
    the cells that hold images, fullest first; choosing one fills the gallery as a click does."""
    n = len(classes)
    cells = sorted(((t_, p) for t_ in range(n) for p in range(n) if matrix[t_, p]), key=lambda c: -matrix[c])
    names = {
        cell: t_text("alt.confusion.cell", true=classes[cell[0]], predicted=classes[cell[1]], count=int(matrix[cell]))
        for cell in cells
    }
    # The box says what the gallery shows: a cell clicked on the matrix (or a class's bar, or
    # "back to the surest mistakes") is written into it before it is drawn.
    focus = st.session_state.get(focus_key)
    shown = (int(focus[1]), int(focus[2])) if focus and focus[0] == "cell" else None
    if st.session_state.get(f"{key}_cell_pick") != shown:
        st.session_state[f"{key}_cell_pick"] = shown if shown in names else None
    st.selectbox(
        t("alt.confusion.pick"),
        [None, *cells],
        format_func=lambda cell: names[cell] if cell else t_text("alt.confusion.pick_none"),
        key=f"{key}_cell_pick",
        on_change=_focus_on_picked_cell,
        args=(f"{key}_cell_pick", focus_key),
    )


def _focus_on_picked_cell(pick_key: str, focus_key: str) -> None:
    cell = st.session_state.get(pick_key)
    st.session_state[focus_key] = ("cell", *cell) if cell else None


def _focus_on_cell(chart_key: str, focus_key: str) -> None:
    """on_select of the confusion matrix: the clicked cell fills the gallery (a click beside it clears)."""
    cell = charts.clicked_cell(st.session_state.get(chart_key))
    st.session_state[focus_key] = ("cell", *cell) if cell else None


def _focus_on_class(chart_key: str, focus_key: str) -> None:
    """on_select of the per-class bars: the clicked class's mistakes fill the gallery."""
    bar = charts.clicked_bar(st.session_state.get(chart_key))
    st.session_state[focus_key] = ("class", bar) if bar is not None else None


def _unfocus(focus_key: str) -> None:
    st.session_state[focus_key] = None


GALLERY_SIZE = 24


def gallery(info: RunInfo, key: str, y_true, probabilities, matrix, classes, focus) -> None:
    """Test images under the charts: the most confident mistakes, or what a click chose: one
    confusion-matrix cell (most confident first) or one class's mistakes."""
    predicted = probabilities.argmax(axis=1)
    if focus and focus[0] == "cell":
        true_class, predicted_class = focus[1], focus[2]
        shown = inspect.cell_images(y_true, probabilities, true_class, predicted_class, GALLERY_SIZE)
        total = int(matrix[true_class, predicted_class])
        if true_class == predicted_class:
            title = t("results.cell_right", name=classes[true_class], count=total)
        else:
            title = t("results.cell_wrong", true=classes[true_class], predicted=classes[predicted_class], count=total)
    elif focus and focus[0] == "class":
        shown = inspect.mistakes(y_true, probabilities, count=GALLERY_SIZE, true_class=focus[1])
        total = int(matrix[focus[1]].sum() - matrix[focus[1], focus[1]])
        title = t("results.class_mistakes", name=classes[focus[1]], count=total)
    else:
        focus = None
        shown = inspect.mistakes(y_true, probabilities, count=GALLERY_SIZE)
        title = t("results.mistakes")
    st.subheader(title)
    if focus is not None:
        if len(shown) < total:
            st.caption(t("results.gallery_first", shown=len(shown), total=total))
        st.button(
            t("results.show_all_mistakes"),
            key=f"{key}_unfocus",
            on_click=_unfocus,
            args=(f"{key}_focus",),
            icon=":material/close:",
        )
    if len(shown) == 0:
        st.success(t("results.no_mistakes") if focus is None else t("results.cell_empty"))
        return
    dataset = load_dataset_or_explain(info.config.dataset, info.config.limit, key=f"{key}_shapes")
    if dataset is None or len(dataset.y_test) != len(y_true):
        return
    captions = [
        t(
            "results.mistake",
            true=classes[y_true[i]],
            predicted=classes[predicted[i]],
            confidence=probabilities[i, predicted[i]],
        )
        for i in shown
    ]
    names = info.classes
    alts = [
        t_text(
            "alt.mistake",
            true=names[y_true[i]],
            predicted=names[predicted[i]],
            confidence=float(probabilities[i, predicted[i]]),
        )
        for i in shown
    ]
    image_grid([dataset.x_test[i] for i in shown], captions, alts=alts)


IMAGE_SOURCES = ("random", "class", "upload")


def pick_image(dataset, key: str) -> tuple[np.ndarray | None, int | None]:
    """A test image (random, or of one class) with its label, or an upload (label None), as the
    32x32 model input. `dataset` None: uploads only."""
    from classifier.core.images import ImageError, load_input
    from ui.i18n import labels

    source = st.segmented_control(
        t("inside.image_source"),
        IMAGE_SOURCES if dataset is not None else ("upload",),
        key=f"{key}_source",
        required=True,
        format_func=labels("inside.source", IMAGE_SOURCES).get,
        persist_state="session",
    )
    if source == "upload" or dataset is None:
        upload = st.file_uploader(t("inside.upload"), key=f"{key}_upload")
        if upload is None:
            return None, None
        try:
            return load_input(upload.getvalue()), None
        except ImageError as error:
            st.error(t("predict.bad_file", name=upload.name, reason=say(error)))
            return None, None
    candidates = np.arange(len(dataset.y_test))
    if source == "class":
        chosen = st.selectbox(
            t("inside.class"),
            range(len(dataset.classes)),
            format_func=class_names(dataset.classes).__getitem__,
            key=f"{key}_class",
            persist_state="session",
        )
        candidates = np.flatnonzero(dataset.y_test == chosen)
    index_key = f"{key}_index"
    if st.button(t("inside.another"), icon=":material/shuffle:", key=f"{key}_another") or (
        st.session_state.get(index_key) not in set(candidates.tolist())
    ):
        st.session_state[index_key] = int(np.random.default_rng().choice(candidates))
    index = st.session_state[index_key]
    return dataset.x_test[index], int(dataset.y_test[index])


def tensorboard_hint(run_id: str | None = None) -> None:
    """The command that opens the runs (or one run) in TensorBoard, beside the app: every run
    writes its scalars to runs/<id>/tensorboard (classifier/training/schedules.py)."""
    import shlex

    from classifier.training.schedules import TENSORBOARD_DIR

    store = state.engine().store
    if run_id is None:
        st.markdown(t("runs.tensorboard_intro"))
        folder = store.root.resolve()
    else:
        folder = store.path(run_id).resolve() / TENSORBOARD_DIR
        if not folder.is_dir():
            return
        st.caption(t("runs.tensorboard_run"))
    st.code(f"tensorboard --logdir {shlex.quote(str(folder))}", language="bash")
