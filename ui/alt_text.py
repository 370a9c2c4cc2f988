"""Text alternatives for charts and pictures: one sentence computed from what is drawn, in the
reader's language, for a screen reader (and anyone who prefers numbers to a picture), and each
chart's data as a table on demand. Pictures get the sentence as their alt text."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import streamlit as st

from ui.i18n import t, t_text


def curves_summary(history: Sequence[dict], total_epochs: int | None = None) -> str:
    """One sentence on a run's epoch records: the loss from first to last epoch, and the best
    validation accuracy (the training accuracy when there is no validation) and where it was."""
    records = [r for r in history if _number(r.get("loss")) is not None]
    if not records:
        return t("alt.curves.none")
    first, last = records[0], records[-1]
    done = len(records)
    over = t("alt.curves.of", done=done, total=total_epochs) if total_epochs and total_epochs > done else done
    loss = t("alt.curves.loss", first=first["loss"], last=last["loss"], epochs=over)
    for key, name in (("val_accuracy", "alt.curves.best_validation"), ("accuracy", "alt.curves.best_training")):
        scored = [(r[key], r["epoch"]) for r in records if _number(r.get(key)) is not None]
        if scored:
            best, epoch = max(scored, key=lambda pair: (pair[0], -pair[1]))  # the first epoch that reached it
            return t("alt.curves.sentence", loss=loss, best=t(name, accuracy=best, epoch=epoch))
    return t("alt.curves.sentence_loss_only", loss=loss)


def curves_table(history: Sequence[dict]):
    """The epoch records as a table with translated column names (train and validation)."""
    import pandas as pd

    columns = {
        "epoch": t_text("chart.epoch"),
        "loss": t_text("alt.col.loss"),
        "accuracy": t_text("alt.col.accuracy"),
        "val_loss": t_text("chart.val_loss"),
        "val_accuracy": t_text("chart.val_accuracy"),
    }
    rows = [{name: record.get(key) for key, name in columns.items()} for record in history]
    frame = pd.DataFrame(rows, columns=list(columns.values()))
    return frame.dropna(axis=1, how="all")


def curves_alternative(history: Sequence[dict], total_epochs: int | None, key: str) -> None:
    """The summary sentence under a run's curves and, on demand, their numbers as a table."""
    st.markdown(curves_summary(history, total_epochs))
    if history:
        with st.expander(t("alt.as_table"), icon=":material/table_rows:"):
            st.dataframe(curves_table(history), hide_index=True, key=f"{key}_table")


def confusion_summary(matrix: np.ndarray, classes: Sequence[str]) -> str:
    """Right in all, and the pair most often confused (Markdown: class names escaped by t)."""
    total = int(matrix.sum())
    right = int(np.trace(matrix))
    if total == 0:
        return t("alt.confusion.empty")
    wrong = matrix.copy()
    np.fill_diagonal(wrong, 0)
    overall = t("alt.confusion.right", right=right, total=total, share=right / total)
    if wrong.max() == 0:
        return t("alt.confusion.sentence_perfect", overall=overall)
    true, predicted = np.unravel_index(int(wrong.argmax()), wrong.shape)
    pair = t("alt.confusion.pair", true=classes[true], predicted=classes[predicted], count=int(wrong[true, predicted]))
    return t("alt.confusion.sentence", overall=overall, pair=pair)


def per_class_summary(accuracy: np.ndarray, classes: Sequence[str]) -> str:
    """The best and the worst recognised class (Markdown)."""
    best, worst = int(np.argmax(accuracy)), int(np.argmin(accuracy))
    return t(
        "alt.per_class",
        best=classes[best],
        high=float(accuracy[best]),
        worst=classes[worst],
        low=float(accuracy[worst]),
    )


def confusion_table(matrix: np.ndarray, classes: Sequence[str]):
    """counts[true, predicted] as a table: a row per true class, a column per predicted class."""
    import pandas as pd

    from ui.text import shown

    names = [shown(str(name)) for name in classes]
    frame = pd.DataFrame(matrix.astype(int), columns=names)
    frame.insert(0, t_text("alt.confusion.true_column"), names)
    return frame


def where(heatmap: np.ndarray) -> str:
    """Where a heat map is strongest, in words: a third of the image across and down."""
    row, column = np.unravel_index(int(np.argmax(heatmap)), heatmap.shape)
    down = ("top", "middle", "bottom")[min(2, 3 * row // heatmap.shape[0])]
    across = ("left", "centre", "right")[min(2, 3 * column // heatmap.shape[1])]
    return (
        t_text("alt.place.centre") if (down, across) == ("middle", "centre") else t_text(f"alt.place.{down}_{across}")
    )


def gradcam_alt(heatmap: np.ndarray, label: str) -> str:
    return t_text("alt.gradcam", label=label, place=where(heatmap), share=float(np.mean(heatmap >= 0.5)))


def occlusion_alt(heatmap: np.ndarray, label: str) -> str:
    return t_text("alt.occlusion", label=label, place=where(heatmap))


def filters_alt(count: int, size: int, colour: bool, layer: str) -> str:
    return t_text(
        "alt.filters", count=count, size=size, layer=layer, kind=t_text("alt.colour" if colour else "alt.grey")
    )


def maps_alt(maps: np.ndarray, layer: str) -> str:
    """(channels, h, w): how many maps, their size, and which respond most (the brightest)."""
    strength = maps.reshape(len(maps), -1).mean(axis=1)
    strongest = ", ".join(str(int(i)) for i in np.argsort(strength)[::-1][:3])
    silent = int(np.sum(maps.reshape(len(maps), -1).max(axis=1) <= 0))
    return t_text(
        "alt.maps",
        count=len(maps),
        layer=layer,
        size=f"{maps.shape[1]}×{maps.shape[2]}",
        strongest=strongest,
        silent=silent,
    )


def _number(value) -> float | None:
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None
