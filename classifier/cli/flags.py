"""The command line's flags: the hyperparameters (one flag per Config field, derived from its
declaration in core/config.py) and the value types other commands' flags share."""

from __future__ import annotations

import argparse

from classifier.core import config as config_module

# Every hyperparameter's flag and the Config it makes come from the declarations.
add_hyperparameters = config_module.add_flags
config_from = config_module.config_from_args
int_list = config_module.int_list
word_list = config_module.word_list


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
