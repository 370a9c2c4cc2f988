import json

import pytest

from classifier.core.config import PRESETS, Config, preset


def test_defaults_are_the_seed_program():
    config = Config()
    assert config.conv_filters == (32, 64, 64)
    assert config.pool_after == (True, True, False)
    assert (config.kernel_size, config.dense_units, config.dropout, config.batch_norm) == (3, 64, 0.0, False)
    assert (config.optimizer, config.learning_rate, config.batch_size, config.epochs) == ("adam", 0.001, 64, 10)
    assert config.activation == "relu" and config.augmentation == ()
    assert config.validation == "test"  # the seed program validates on the test split
    assert Config.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    "changes, field, hint",
    [
        ({"learning_rate": 0}, "learning_rate", "between"),
        ({"learning_rate": float("nan")}, "learning_rate", "between"),
        ({"batch_size": 0}, "batch_size", "between 1 and 4096"),
        ({"batch_size": 3.5}, "batch_size", "whole number"),
        ({"epochs": 0}, "epochs", "between 1 and 1000"),
        ({"epochs": True}, "epochs", "whole number"),
        ({"dropout": 0.95}, "dropout", "between 0 and 0.9"),
        ({"conv_filters": ()}, "conv_filters", "1 to 6 blocks"),
        ({"conv_filters": (32, 0, 64)}, "conv_filters", "between 1 and 512"),
        ({"conv_filters": (32, 64)}, "pool_after", "one yes/no per conv block"),
        ({"optimizer": "adagrad"}, "optimizer", "adam"),
        ({"activation": "softmax"}, "activation", "relu"),
        ({"augmentation": ("flip", "rotate")}, "augmentation", "flip"),
        ({"augmentation": ("flip", "flip")}, "augmentation", "distinct"),
        ({"kernel_size": 9}, "kernel_size", "between 1 and 7"),
        ({"validation": "train"}, "validation", "test"),
        ({"limit": 5}, "limit", "between 10"),
        ({"warmup_epochs": 10}, "warmup_epochs", "less than epochs"),
        ({"dataset": "  "}, "dataset", "name a data set"),
        # Six 'valid' 7x7 convolutions with pooling shrink a 32x32 image to nothing.
        ({"conv_filters": (8,) * 4, "pool_after": (True,) * 4, "kernel_size": 7}, "conv_filters", "shrinks"),
    ],
)
def test_bad_values_name_the_field(changes, field, hint):
    with pytest.raises(ValueError) as error:
        Config(**changes)  # a Config validates itself as it is made
    message = str(error.value)
    assert message.startswith(field + ":"), message
    assert hint in message


def test_json_round_trip_keeps_every_field():
    config = preset("strong", epochs=5, augmentation=("flip", "crop"))
    text = config.to_json()
    assert isinstance(json.loads(text)["conv_filters"], list)
    assert Config.from_json(text) == config


def test_from_dict_rejects_unknown_keys_and_bad_json():
    with pytest.raises(ValueError, match="^learnin_rate: not a hyperparameter"):
        Config.from_dict({"learnin_rate": 0.1})
    with pytest.raises(ValueError, match="^config: not valid JSON"):
        Config.from_json("{epochs: 3")


def test_presets_are_valid_and_distinct():
    assert set(PRESETS) >= {"seed", "strong"}
    assert PRESETS["seed"] == Config()
    strong = PRESETS["strong"]
    assert strong.batch_norm and strong.augmentation and strong.lr_schedule == "cosine"
    speed = PRESETS["speed"]
    # The speed preset is the seed network's layers (batch norm added) trained differently.
    seed = Config()
    assert (speed.conv_filters, speed.pool_after, speed.dense_units) == (seed.conv_filters, seed.pool_after, 64)
    assert speed.batch_norm and speed.epochs < Config().epochs and speed.validation == "none"
    with pytest.raises(ValueError, match="^preset:"):
        preset("huge")


def test_replace_validates():
    assert Config().replace(epochs=3).epochs == 3
    with pytest.raises(ValueError, match="^epochs:"):
        Config().replace(epochs=-1)


def test_matching_preset_names_a_preset_only_for_its_exact_settings():
    from classifier.core.config import QUICK, SEED, SPEED, STRONG, matching_preset

    assert [matching_preset(c) for c in (SEED, SPEED, STRONG, QUICK)] == ["seed", "speed", "strong", "quick"]
    assert matching_preset(Config.from_json(STRONG.to_json())) == "strong"  # lists from JSON compare equal
    assert matching_preset(SEED.replace(epochs=3)) is None
    assert matching_preset(SEED.replace(dataset="/uploads/pets.zip")) is None  # the seed network on my zip
    assert matching_preset(SEED.replace(dataset="shapes")) == "quick"  # the quick demo is exactly that
    assert matching_preset(QUICK.replace(limit=300)) is None
    assert matching_preset(STRONG.replace(augmentation=("shift", "flip"))) == "strong"  # ticked the other way round
    assert matching_preset(STRONG.replace(augmentation=("flip",))) is None
