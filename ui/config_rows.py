"""A Config as a readable table: the Train page's own labels, values in the reader's language."""

from __future__ import annotations

from classifier.core import config as cfg
from classifier.core.config import Config
from ui.i18n import labels, t


def config_rows(config: Config, dataset_name: str = "") -> list[tuple[str, str]]:
    """(label, value) rows for every setting of a run, in the Config's order, labelled with the same
    translation keys as the Train page's widgets; a setting the run did not use (momentum without
    SGD, warm-up without the cosine schedule: `config.applies`, the rule the form disables by) is
    left out."""
    rows = []
    for spec in cfg.SPECS.values():
        if not cfg.applies(spec.name, config):
            continue
        value = getattr(config, spec.name)
        if spec.name == "dataset":
            data_names = labels("data", ("cifar10", "shapes"))
            rows.append((t("train.dataset"), data_names.get(value) or dataset_name or value))
        elif spec.name == "conv_filters":  # with pool_after: a row per block
            rows.append((t("train.blocks"), str(len(value))))
            for block, (filters, pool) in enumerate(zip(value, config.pool_after), start=1):
                shown = t("config.then_pool", filters=filters) if pool else str(filters)
                rows.append((t("train.block_filters", block=block), shown))
        elif spec.name != "pool_after":
            rows.append((t(f"train.{spec.name}"), shown_value(spec, value)))
    return rows


def shown_value(spec: cfg.Hyperparameter, value) -> str:
    """One setting's value as the table shows it, from its declaration (kind, unit, choice labels)."""
    if spec.zero and not value:
        return t(f"config.{spec.zero}")
    if spec.kind == "bool":
        return t("config.yes") if value else t("config.no")
    if spec.kind == "choice":
        return labels(spec.option_labels, [value])[value] if spec.option_labels else value
    if spec.kind == "choices":
        return ", ".join(labels(spec.option_labels, value).values())
    if spec.unit == "share":
        return f"{value:.0%}"
    if spec.unit == "images":
        return f"{value:,}"
    if spec.unit == "pixels":
        return f"{value}×{value}"
    return f"{value:g}" if spec.kind == "float" else str(value)
