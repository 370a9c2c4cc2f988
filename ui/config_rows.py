"""A Config as a readable table: the Train page's own labels, values in the reader's language."""

from __future__ import annotations

from classifier.config import Config
from ui.i18n import labels, t


def config_rows(config: Config, dataset_name: str = "") -> list[tuple[str, str]]:
    """(label, value) rows for every setting of a run, labelled with the same translation keys as
    the Train page's widgets; settings the run did not use (momentum without SGD, warm-up without
    the cosine schedule, the held-out share without hold-out validation) are left out."""
    yes_no = {True: t("config.yes"), False: t("config.no")}
    data_names = labels("data", ("cifar10", "shapes"))
    rows = [
        (t("train.dataset"), data_names.get(config.dataset) or dataset_name or config.dataset),
        (t("train.limit"), f"{config.limit:,}" if config.limit else t("config.all")),
        (t("train.validation"), labels("validation", [config.validation])[config.validation]),
    ]
    if config.validation == "holdout":
        rows.append((t("train.holdout_fraction"), f"{config.holdout_fraction:.0%}"))
    augment = labels("augment", config.augmentation)
    rows.append((t("train.augmentation"), ", ".join(augment.values()) or t("config.none")))
    rows.append((t("train.blocks"), str(len(config.conv_filters))))
    for block, (filters, pool) in enumerate(zip(config.conv_filters, config.pool_after), start=1):
        value = t("config.then_pool", filters=filters) if pool else str(filters)
        rows.append((t("train.block_filters", block=block), value))
    rows += [
        (t("train.kernel_size"), f"{config.kernel_size}×{config.kernel_size}"),
        (t("train.convs_per_block"), str(config.convs_per_block)),
        (t("train.padding"), labels("padding", [config.padding])[config.padding]),
        (t("train.activation"), config.activation),
        (t("train.batch_norm"), yes_no[config.batch_norm]),
        (t("train.head"), labels("head", [config.head])[config.head]),
        (t("train.dense_units"), str(config.dense_units) if config.dense_units else t("config.none")),
        (t("train.dropout"), f"{config.dropout:g}"),
        (t("train.optimizer"), config.optimizer),
        (t("train.learning_rate"), f"{config.learning_rate:g}"),
    ]
    if config.optimizer == "sgd":
        rows.append((t("train.momentum"), f"{config.momentum:g}"))
    rows += [
        (t("train.weight_decay"), f"{config.weight_decay:g}"),
        (t("train.lr_schedule"), labels("schedule", [config.lr_schedule])[config.lr_schedule]),
    ]
    if config.lr_schedule == "cosine":
        rows.append((t("train.warmup_epochs"), str(config.warmup_epochs)))
    rows += schedule_rows(config)
    rows += [
        (t("train.batch_size"), str(config.batch_size)),
        (t("train.epochs"), str(config.epochs)),
        (t("train.random_seed"), str(config.random_seed)),
        (t("train.precision"), labels("precision", [config.precision])[config.precision]),
        (t("train.tta"), labels("tta", [config.tta])[config.tta]),
    ]
    return rows


def schedule_rows(config: Config) -> list[tuple[str, str]]:
    """The step/plateau settings and early stopping, where the run used them."""
    rows = []
    if config.lr_schedule in ("step", "plateau"):
        rows.append((t("train.lr_drop_factor"), f"{config.lr_drop_factor:g}"))
    if config.lr_schedule == "step":
        rows.append((t("train.lr_drop_every"), str(config.lr_drop_every)))
    if config.lr_schedule == "plateau":
        rows.append((t("train.lr_patience"), str(config.lr_patience)))
    rows.append((t("train.early_stopping"), str(config.early_stopping) if config.early_stopping else t("config.off")))
    if config.watches_metric:
        rows.append((t("train.monitor"), labels("monitor", [config.monitor])[config.monitor]))
        rows.append((t("train.restore_best"), t("config.yes") if config.restore_best else t("config.no")))
    return rows
