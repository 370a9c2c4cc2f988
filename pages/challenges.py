"""Challenges: the document's four open problems of image classification as experiments a class
runs and measures here: little data, explanations, phones and IoT, privacy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from classifier.challenges import explain, export, federated, sweep
from classifier.challenges.background import Task
from classifier.core import inspect, machine
from classifier.core.config import Config
from classifier.core.images import ImageError, load_input
from classifier.core.messages import ClassifierError, Message
from classifier.core.model import resolved_precision
from classifier.training import estimate
from ui import alt_text, challenges, charts, require_app, state, widgets
from ui.i18n import class_names, format_duration, labels, say, t, t_text
from ui.text import plain

require_app()

DATASETS = ("cifar10", "shapes")
TRAIN_IMAGES = {"cifar10": 50_000, "shapes": 6_000}
TEST_IMAGES = {"cifar10": 10_000, "shapes": 1_200}
CLASSES = {"cifar10": 10, "shapes": 6}
AUGMENT_CHOICES = ("both", "without", "with")
# Defaults that fit a lesson: three shares (5%, 25%, all), without and with augmentation (6 runs),
# 3 epochs each (12 runs of 10 epochs were hours of CIFAR-10); the expected total shows before Start.
LESSON_FRACTIONS = (0.05, 0.25, 1.0)
LESSON_EPOCHS = 3
ALPHAS = (0.05, 0.1, 0.3, 1.0, 10.0, 100.0)


def _machine() -> str:
    return t("ch.machine", cpu=machine.cpu_name(), cores=machine.usable_cores())


# --- 1. Little data ----------------------------------------------------------------------------


def _sweep_augmentations(choice: str) -> list[tuple[str, ...]]:
    return {"both": [(), sweep.WITH_AUGMENTATION], "without": [()], "with": [sweep.WITH_AUGMENTATION]}[choice]


def little_data() -> None:
    st.markdown(t("ch.data.intro"))
    left, right = st.columns(2)
    dataset = left.radio(
        t("ch.dataset"),
        DATASETS,
        format_func=labels("ch.dataset", DATASETS).get,
        key="ch_sweep_dataset",
        horizontal=True,
    )
    epochs = right.number_input(t("ch.data.epochs"), 1, 100, LESSON_EPOCHS, key="ch_sweep_epochs")
    fractions = st.pills(
        t("ch.data.fractions"),
        sweep.FRACTIONS,
        selection_mode="multi",
        default=list(LESSON_FRACTIONS),
        format_func=lambda f: f"{f:.0%}",
        key="ch_sweep_fractions",
    )
    augment = st.segmented_control(
        t("ch.data.augment"),
        AUGMENT_CHOICES,
        default="both",
        required=True,
        format_func=labels("ch.data.augment", AUGMENT_CHOICES).get,
        key="ch_sweep_augment",
    )
    base = Config(dataset=dataset, epochs=int(epochs))
    try:
        planned = sweep.plan(base, fractions or [], _sweep_augmentations(augment or "both"))
    except ClassifierError as error:
        st.warning(say(error))
        planned = []
    if planned:
        if _plan_seconds(planned, dataset) == state.MEASURING:  # only the caption redraws until measured
            st.fragment(_plan_caption, run_every=1.0)(planned, dataset)
        else:
            _plan_caption(planned, dataset)
    current = st.session_state.get("ch_sweep")
    active = bool(current) and any(_point_active(p) for p in current["points"])
    st.button(
        t("ch.data.start"),
        type="primary",
        disabled=not planned or active,
        on_click=_start_sweep,
        args=(base, fractions or [], augment or "both"),
        icon=":material/play_arrow:",
        key="ch_sweep_start",
    )
    if st.session_state.get("ch_sweep_error"):
        st.error(plain(st.session_state.ch_sweep_error))
    if current:
        st.fragment(_sweep_panel, run_every=2.0 if active else None)()


def _plan_seconds(planned, dataset: str) -> float | str | None:
    """The whole sweep's expected seconds, from each network's time per image measured on this
    server (as on the Train page); MEASURING or BUSY until then, None if it could not be measured.
    The share of the training set does not change a step's time, so the points share a measurement."""
    total = 0.0
    for fraction, _, config in planned:
        rates = state.epoch_rates(config.replace(train_fraction=1.0), CLASSES[dataset])
        if not isinstance(rates, dict):
            return rates
        images = estimate.epoch_images(config, max(1, round(TRAIN_IMAGES[dataset] * fraction)), TEST_IMAGES[dataset])
        total += estimate.epoch_seconds(rates, *images) * config.epochs
    return total


def _plan_caption(planned, dataset: str) -> None:
    seconds = _plan_seconds(planned, dataset)
    if isinstance(seconds, float):
        st.caption(t("ch.data.plan", runs=len(planned), duration=format_duration(seconds)))
    elif seconds == state.MEASURING:
        st.caption(t("ch.data.plan_measuring", runs=len(planned)))
    else:
        st.caption(t("ch.data.plan_unmeasured", runs=len(planned)))


def _start_sweep(base: Config, fractions, augment: str) -> None:
    st.session_state.pop("ch_sweep_error", None)
    try:
        started = sweep.submit(state.engine(), base, fractions, _sweep_augmentations(augment), owner=state.owner())
    except (ClassifierError, ValueError) as error:
        st.session_state.ch_sweep_error = say(error)  # an unexpected one: said in general terms, logged
        return
    st.session_state.ch_sweep = {
        "points": [
            {"fraction": p.fraction, "augmentation": list(p.augmentation), "run_id": p.run_id} for p in started.points
        ]
    }


def _point_active(point: dict) -> bool:
    job = state.engine().job(point["run_id"])
    return job is not None and not job.snapshot().done


def _stop_sweep(points: list[dict]) -> None:
    for point in reversed(points):  # the queued ones first, so none starts in the meantime
        job = state.engine().job(point["run_id"])
        if job is not None:
            job.request_stop(state.owner())


def _sweep_panel() -> None:
    points = st.session_state.ch_sweep["points"]
    store = state.engine().store
    rows = []
    for point in points:
        try:
            info = store.load(point["run_id"], state.owner())
        except Exception:  # noqa: BLE001 - a run deleted from Runs meanwhile
            continue
        rows.append({**point, "train_images": info.train_images, "test_accuracy": info.test_accuracy, "info": info})
    finished = sum(r["info"].status in ("finished", "stopped", "failed") for r in rows)
    active = any(r["info"].status in ("queued", "running") for r in rows)
    if active:
        st.progress(finished / max(len(rows), 1), text=t("ch.data.progress", done=finished, total=len(rows)))
        st.button(t("ch.data.stop"), on_click=_stop_sweep, args=(points,), icon=":material/stop:", key="ch_sweep_stop")
    names = {"with": t("ch.data.with"), "without": t("ch.data.without")}
    figure = challenges.learning_curve(rows, {**names, "x": t("ch.data.x"), "y": t("results.test_accuracy")})
    st.plotly_chart(figure, key="ch_sweep_chart")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("ch.data.col.fraction"): f"{r['fraction']:.0%}",
                    t("ch.data.col.augment"): names["with"] if r["augmentation"] else names["without"],
                    t("ch.data.col.images"): r["train_images"] or None,
                    t("ch.data.col.status"): t(f"status.{r['info'].status}"),
                    t("results.test_accuracy"): r["test_accuracy"],
                }
                for r in rows
            ]
        ),
        hide_index=True,
        column_config={t("results.test_accuracy"): st.column_config.NumberColumn(format="percent")},
        key="ch_sweep_table",
    )
    st.caption(t("ch.data.measured", machine=_machine(), precision=resolved_precision(Config())))
    if not active and st.session_state.get("ch_sweep_was_active"):
        st.session_state.ch_sweep_was_active = False
        st.rerun()  # the whole page: the start button comes back
    st.session_state.ch_sweep_was_active = active


# --- 2. Explanations -----------------------------------------------------------------------------


def _pick_image(dataset) -> np.ndarray | None:
    source = st.segmented_control(
        t("ch.explain.source"),
        ("test", "upload"),
        default="test",
        required=True,
        format_func=labels("ch.explain.source", ("test", "upload")).get,
        key="ch_explain_source",
    )
    if source == "upload":
        upload = st.file_uploader(t("inside.upload"), key="ch_explain_upload")
        if upload is None:
            return None
        try:
            return load_input(upload.getvalue())
        except ImageError as error:
            st.error(t("predict.bad_file", name=upload.name, reason=say(error)))
            return None
    if dataset is None:
        return None
    chosen = st.selectbox(
        t("inside.class"),
        range(len(dataset.classes)),
        format_func=class_names(dataset.classes).__getitem__,
        key="ch_explain_class_pick",
    )
    candidates = np.flatnonzero(dataset.y_test == chosen)
    if len(candidates) == 0:
        return None
    if st.button(t("inside.another"), icon=":material/shuffle:", key="ch_explain_another") or (
        st.session_state.get("ch_explain_index") not in set(candidates.tolist())
    ):
        st.session_state.ch_explain_index = int(np.random.default_rng().choice(candidates))
    return dataset.x_test[st.session_state.ch_explain_index]


def _scaled(values: np.ndarray) -> np.ndarray:
    positive = np.clip(values, 0, None)
    return positive / positive.max() if positive.max() > 0 else positive


def explanations() -> None:
    st.markdown(t("ch.explain.intro"))
    choice = widgets.model_picker("ch_explain_model")
    loaded = widgets.load_choice(choice) if choice else None
    if loaded is None:
        return
    dataset = widgets.load_dataset_or_explain(choice.dataset, choice.limit, key="ch_explain_switch")
    if dataset is not None and dataset.classes != loaded.classes:
        dataset = None
    image = _pick_image(dataset)
    if image is None:
        return
    cells = st.columns(3)
    explained = cells[0].selectbox(
        t("inside.gradcam_class"),
        [None, *range(len(loaded.classes))],
        format_func={None: t("inside.predicted_class"), **dict(enumerate(class_names(loaded.classes)))}.get,
        key="ch_explain_class",
    )
    patch = cells[1].select_slider(t("ch.explain.patch"), (4, 6, 8, 10, 12, 16), value=8, key="ch_explain_patch")
    stride = cells[2].select_slider(t("ch.explain.stride"), (1, 2, 4), value=2, key="ch_explain_stride")
    try:
        with loaded.lock:
            result = explain.compare(loaded.model, image, explained, patch=int(patch), stride=min(int(stride), patch))
    except ClassifierError as error:
        st.error(say(error))
        return
    except Exception as error:  # noqa: BLE001 - any model a user uploads
        st.error(t("inside.cannot_inspect", reason=say(error)))
        return
    occlusion = result.occlusion
    label = class_names(loaded.classes)[occlusion.class_index]  # as Runs, Inside and Predict name it
    columns = st.columns(3)
    columns[0].image(
        charts.enlarge(image, 6),
        caption=t("ch.explain.input", label=label, p=occlusion.probability),
        alt=t_text("alt.input"),
        width="stretch",
        output_format="PNG",
    )
    if result.gradcam is not None:
        columns[1].image(
            inspect.overlay(image, result.gradcam, scale=6),
            caption=t("ch.explain.gradcam", label=label),
            alt=alt_text.gradcam_alt(result.gradcam, label),
            width="stretch",
        )
    else:
        columns[1].info(t("ch.explain.no_gradcam", reason=say(result.gradcam_error)))
    columns[2].image(
        inspect.overlay(image, _scaled(occlusion.heatmap), scale=6),
        caption=t("ch.explain.occlusion", label=label, patch=occlusion.patch, stride=occlusion.stride),
        alt=alt_text.occlusion_alt(occlusion.heatmap, label),
        width="stretch",
    )
    st.markdown(t("ch.explain.what_gradcam"))
    st.markdown(t("ch.explain.what_occlusion"))
    metrics = st.columns(4)
    if result.agreement is not None:
        metrics[0].metric(t("ch.explain.spearman"), f"{result.agreement.spearman:+.2f}")
        metrics[1].metric(t("ch.explain.iou"), f"{result.agreement.top_iou:.2f}")
    metrics[2].metric(t("ch.explain.largest_drop"), f"{occlusion.drops.max():+.1%}")
    metrics[3].metric(t("ch.explain.seconds"), f"{occlusion.seconds * 1000:.0f} ms")
    st.caption(t("ch.explain.how_agree", positions=occlusion.drops.size, machine=_machine()))


# --- 3. Phones and IoT -----------------------------------------------------------------------------


def _measure_work(loaded, dataset, label: str):
    def work(report, stopped):
        representative = export.representative_images(dataset.x_train, dataset.y_train)
        rows, files = export.measure(
            loaded,
            dataset.x_test,
            dataset.y_test,
            representative,
            progress=lambda fraction, message: report(fraction, message),
            should_stop=stopped,
        )
        return {"rows": rows, "files": files, "test_images": len(dataset.y_test), "dataset": label}

    return work


def phones() -> None:
    st.markdown(t("ch.export.intro"))
    if not export.runtime_available():
        st.info(say(Message("export.no_runtime")))
        return
    choice = widgets.model_picker("ch_export_model")
    loaded = widgets.load_choice(choice) if choice else None
    if loaded is None:
        return
    dataset = widgets.load_dataset_or_explain(choice.dataset, choice.limit, key="ch_export_switch")
    if dataset is None or dataset.classes != loaded.classes:
        if dataset is not None:
            st.info(t("ch.export.no_test_set"))
        return
    label = widgets.data_label(choice.dataset, choice.limit, dataset.name)  # in the reader's language
    st.caption(t("ch.export.plan", images=len(dataset.y_test), dataset=label))
    current = challenges.task(st.session_state.get("ch_export_task"))
    running = current is not None and not current.snapshot().done
    if st.button(
        t("ch.export.start"), type="primary", disabled=running, icon=":material/smartphone:", key="ch_export_start"
    ):
        task = Task(_measure_work(loaded, dataset, label), name="export-measure")
        st.session_state.ch_export_task = challenges.start_task(task)
        running = True
    if st.session_state.get("ch_export_task"):
        st.session_state.ch_export_live = running
        st.fragment(_export_panel, run_every=1.0 if running else None)()


def _export_panel() -> None:
    task = challenges.task(st.session_state.get("ch_export_task"))
    if task is None:
        return
    snapshot = task.snapshot()
    if not snapshot.done:
        st.progress(snapshot.fraction, text=say(snapshot.message) if snapshot.message else t("ch.working"))
        st.button(t("ch.stop"), on_click=task.request_stop, icon=":material/stop:", key="ch_export_stop")
        return
    if st.session_state.get("ch_export_live"):
        st.session_state.ch_export_live = False
        st.rerun()  # the whole page once: the button comes back and the panel stops ticking
    if snapshot.status == "failed":
        st.error(say(snapshot.error))
        return
    result = snapshot.result
    if not result:
        return
    rows: list[export.Measurement] = result["rows"]
    names = {"keras": t("ch.export.keras"), **{f: f"LiteRT {f}" for f in export.FLAVOURS}}
    table = pd.DataFrame(
        [
            {
                t("ch.export.col.format"): names[r.flavour],
                t("ch.export.col.size"): r.bytes / 1024,
                t("ch.export.col.size_ratio"): r.bytes / rows[0].bytes,
                t("ch.export.col.accuracy"): r.accuracy,
                t("ch.export.col.agreement"): r.agreement,
                t("ch.export.col.p50"): r.p50_ms,
                t("ch.export.col.p95"): r.p95_ms,
                t("ch.export.col.batch"): r.batch_images_per_second,
            }
            for r in rows
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            t("ch.export.col.size"): st.column_config.NumberColumn(format="%.0f KB"),
            t("ch.export.col.size_ratio"): st.column_config.NumberColumn(format="%.2f×"),
            t("ch.export.col.accuracy"): st.column_config.NumberColumn(format="percent"),
            t("ch.export.col.agreement"): st.column_config.NumberColumn(format="percent"),
            t("ch.export.col.p50"): st.column_config.NumberColumn(format="%.2f ms"),
            t("ch.export.col.p95"): st.column_config.NumberColumn(format="%.2f ms"),
            t("ch.export.col.batch"): st.column_config.NumberColumn(format="%.0f img/s"),
        },
        key="ch_export_table",
    )
    st.caption(
        t(
            "ch.export.measured",
            images=result["test_images"],
            dataset=result["dataset"],
            calls=export.LATENCY_CALLS,
            batch=export.BATCH_IMAGES,
            machine=_machine(),
        )
    )
    cells = st.columns(len(result["files"]) or 1)
    for cell, (flavour, content) in zip(cells, result["files"].items()):
        cell.download_button(
            t("ch.export.download", flavour=flavour, size=len(content) / 1024),
            data=content,
            file_name=f"model-{flavour}.tflite",
            mime="application/octet-stream",
            icon=":material/download:",
            key=f"ch_export_download_{flavour}",
        )


# --- 4. Privacy ------------------------------------------------------------------------------------


def privacy() -> None:
    st.markdown(t("ch.privacy.intro"))
    if not federated.engine_available():
        st.info(say(Message("federated.no_engine")))
        return
    top = st.columns(4)
    dataset = top[0].radio(
        t("ch.dataset"), DATASETS, format_func=labels("ch.dataset", DATASETS).get, key="ch_fed_dataset"
    )
    devices = top[1].slider(t("ch.privacy.devices"), 2, federated.MAX_DEVICES, 10, key="ch_fed_devices")
    rounds = top[2].slider(t("ch.privacy.rounds"), 1, 20, 5, key="ch_fed_rounds")
    local_epochs = top[3].slider(t("ch.privacy.local_epochs"), 1, 5, 1, key="ch_fed_local_epochs")
    middle = st.columns(3)
    limit = middle[0].number_input(
        t("ch.privacy.limit"), 100, 50_000, 10_000 if dataset == "cifar10" else 3_000, step=500, key="ch_fed_limit"
    )
    split = middle[1].segmented_control(
        t("ch.privacy.split"),
        ("iid", "skewed"),
        default="iid",
        required=True,
        format_func=labels("ch.privacy.split", ("iid", "skewed")).get,
        key="ch_fed_split",
    )
    alpha = None
    if split == "skewed":
        alpha = middle[2].select_slider(t("ch.privacy.alpha"), ALPHAS, value=0.3, key="ch_fed_alpha")
    dp = st.toggle(t("ch.privacy.dp"), key="ch_fed_dp", help=t("ch.privacy.dp_help"))
    noise, clip, delta = 0.5, 1.0, 1e-5
    if dp:
        cells = st.columns(3)
        noise = cells[0].number_input(t("ch.privacy.noise"), 0.05, 10.0, 0.5, step=0.05, key="ch_fed_noise")
        clip = cells[1].number_input(t("ch.privacy.clip"), 0.1, 50.0, 1.0, step=0.1, key="ch_fed_clip")
        delta = cells[2].select_slider(t("ch.privacy.delta"), (1e-3, 1e-4, 1e-5, 1e-6), value=1e-5, key="ch_fed_delta")
    spec = federated.FederatedSpec(
        dataset=dataset,
        limit=int(limit),
        devices=int(devices),
        rounds=int(rounds),
        alpha=alpha,
        local_epochs=int(local_epochs),
        dp=dp,
        noise_multiplier=float(noise),
        clipping_norm=float(clip),
        delta=float(delta),
    )
    problem = None
    try:
        spec.validate()
        if spec.devices * federated.MIN_IMAGES_PER_DEVICE > spec.limit:
            raise ClassifierError(
                "federated.too_many_devices",
                devices=spec.devices,
                images=spec.limit,
                minimum=federated.MIN_IMAGES_PER_DEVICE,
            )
    except ClassifierError as error:
        problem = error
        st.error(say(error))
    current = challenges.task(st.session_state.get("ch_fed_task"))
    running = current is not None and not current.snapshot().done
    if st.button(
        t("ch.privacy.start"),
        type="primary",
        disabled=running or problem is not None,
        icon=":material/hub:",
        key="ch_fed_start",
    ):
        task = Task(lambda report, stopped: federated.run(spec, report, stopped), name="federated")
        st.session_state.ch_fed_task = challenges.start_task(task)
        running = True
    if st.session_state.get("ch_fed_task"):
        st.session_state.ch_fed_live = running
        st.fragment(_privacy_panel, run_every=1.0 if running else None)()


def _privacy_panel() -> None:
    task = challenges.task(st.session_state.get("ch_fed_task"))
    if task is None:
        return
    snapshot = task.snapshot()
    if snapshot.done and st.session_state.get("ch_fed_live"):
        st.session_state.ch_fed_live = False
        st.rerun()  # the whole page once: the button comes back and the panel stops ticking
    result = snapshot.result
    rounds = list(result.rounds if result else snapshot.partial or ())
    if not snapshot.done:
        st.progress(snapshot.fraction, text=say(snapshot.message) if snapshot.message else t("ch.working"))
        st.button(t("ch.stop"), on_click=task.request_stop, icon=":material/stop:", key="ch_fed_stop")
    elif snapshot.status == "failed":
        st.error(say(snapshot.error))
    elif snapshot.status == "stopped" or (result and result.stopped):
        st.warning(t("ch.privacy.stopped", rounds=len(rounds)))
    central = list(result.central) if result else []
    if rounds:
        figure = challenges.federated_curves(
            rounds,
            central,
            {
                "federated": t("ch.privacy.federated"),
                "central": t("ch.privacy.central"),
                "x": t("ch.privacy.round"),
                "y": t("results.test_accuracy"),
            },
        )
        st.plotly_chart(figure, key="ch_fed_chart")
        table = pd.DataFrame(
            [
                {
                    t("ch.privacy.round"): r.round,
                    t("results.test_accuracy"): r.test_accuracy,
                    t("ch.privacy.col.sent"): r.bytes_sent_per_device / 1024,
                    t("ch.privacy.col.received"): r.bytes_received_per_device / 1024,
                    t("ch.privacy.col.seconds"): r.seconds,
                    **({"ε": r.epsilon} if r.epsilon is not None else {}),
                }
                for r in rounds
            ]
        )
        st.dataframe(
            table,
            hide_index=True,
            column_config={
                t("results.test_accuracy"): st.column_config.NumberColumn(format="percent"),
                t("ch.privacy.col.sent"): st.column_config.NumberColumn(format="%.0f KB"),
                t("ch.privacy.col.received"): st.column_config.NumberColumn(format="%.0f KB"),
                t("ch.privacy.col.seconds"): st.column_config.NumberColumn(format="%.1f s"),
                "ε": st.column_config.NumberColumn(format="%.2f"),
            },
            key="ch_fed_table",
        )
    if result is None:
        return
    spec = result.spec
    cells = st.columns(4)
    if result.final_accuracy is not None:
        cells[0].metric(t("ch.privacy.federated"), f"{result.final_accuracy:.1%}")
    if result.central_accuracy is not None:
        cells[1].metric(
            t("ch.privacy.central"),
            f"{result.central_accuracy:.1%}",
            delta=f"{(result.final_accuracy - result.central_accuracy) * 100:+.1f} pt" if result.rounds else None,
            delta_color="off",
        )
    if spec.dp and rounds and rounds[-1].epsilon is not None:
        cells[2].metric(t("ch.privacy.epsilon", delta=f"{spec.delta:g}"), f"{rounds[-1].epsilon:.2f}")
    cells[3].metric(t("ch.privacy.elapsed"), format_duration(result.seconds))
    st.subheader(t("ch.privacy.leaves"))
    if result.received:
        first = result.received[0]
        st.markdown(
            t(
                "ch.privacy.leaves_detail",
                arrays=len(first.arrays),
                numbers=sum(int(np.prod(shape)) for shape, _ in first.arrays),
                size=first.bytes / 1024,
                metrics=", ".join(first.metrics),
                rounds=len(rounds),
                total=sum(r.bytes for r in result.received) / 2**20,
            )
        )
    st.subheader(t("ch.privacy.stays"))
    st.markdown(t("ch.privacy.stays_detail", images=sum(result.device_images), devices=len(result.device_images)))
    st.plotly_chart(
        challenges.device_classes(
            result.device_classes,
            class_names(result.classes),
            {"x": t("ch.privacy.device"), "y": t("ch.privacy.images")},
        ),
        key="ch_fed_devices_chart",
    )
    st.caption(
        t(
            "ch.privacy.measured",
            seen=sum(result.device_images) * len(rounds) * spec.local_epochs,
            machine=_machine(),
            precision=resolved_precision(spec.config()),
        )
    )
    if spec.dp:
        st.caption(t("ch.privacy.dp_note", devices=spec.devices))
    _compare_simulations(st.session_state.ch_fed_task, result)


def _compare_simulations(task_id: str, result) -> None:
    """This session's finished simulations side by side: the cost of skew or of privacy in one table."""
    history = st.session_state.setdefault("ch_fed_history", {})
    if result.rounds and task_id not in history:
        spec = result.spec
        history[task_id] = {
            t("ch.privacy.devices"): spec.devices,
            t("ch.privacy.rounds"): len(result.rounds),
            t("ch.privacy.split"): t("ch.privacy.split.iid") if spec.alpha is None else f"α = {spec.alpha:g}",
            t("ch.privacy.dp_short"): f"z = {spec.noise_multiplier:g}, C = {spec.clipping_norm:g}" if spec.dp else "–",
            t("ch.privacy.federated"): result.final_accuracy,
            t("ch.privacy.central"): result.central_accuracy,
            "ε": result.rounds[-1].epsilon,
        }
    if len(history) > 1:
        st.subheader(t("ch.privacy.history"))
        percent = st.column_config.NumberColumn(format="percent")
        st.dataframe(
            pd.DataFrame(list(history.values())),
            hide_index=True,
            column_config={t("ch.privacy.federated"): percent, t("ch.privacy.central"): percent},
            key="ch_fed_history_table",
        )


# --- the page --------------------------------------------------------------------------------------

st.title(t("ch.title"))
st.caption(t("ch.intro"))
data_tab, explain_tab, export_tab, privacy_tab = st.tabs(
    [t("ch.tab.data"), t("ch.tab.explain"), t("ch.tab.export"), t("ch.tab.privacy")]
)
with data_tab:
    little_data()
with explain_tab:
    explanations()
with export_tab:
    phones()
with privacy_tab:
    privacy()
