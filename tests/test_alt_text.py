"""Text alternatives (ui/alt_text.py): each chart's one-sentence summary computed from its data, in
English and Chinese, its numbers as a table, the confusion matrix's keyboard equivalent, and alt text
on every picture of Train, Inside and Predict."""

from __future__ import annotations

import numpy as np
import pytest
from app_support import app_at, button, en, shown_text, zh
from conftest import PHOTOS
from streamlit.testing.v1 import AppTest

HISTORY = [
    {"epoch": 1, "loss": 2.304, "accuracy": 0.31, "val_loss": 1.9, "val_accuracy": 0.402},
    {"epoch": 2, "loss": 1.41, "accuracy": 0.52, "val_loss": 1.3, "val_accuracy": 0.712},
    {"epoch": 3, "loss": 0.852, "accuracy": 0.70, "val_loss": 1.2, "val_accuracy": 0.688},
]


def summaries(lang: str, history, total) -> list[str]:
    """What the page shows for these records, run inside a real script (t() reads the session)."""

    def script(history, total, lang):
        import numpy as np
        import streamlit as st

        from ui import alt_text

        st.session_state.language = lang
        st.markdown(alt_text.curves_summary(history, total))
        matrix = np.array([[8, 2, 0], [5, 4, 1], [0, 0, 10]])
        st.markdown(alt_text.confusion_summary(matrix, ["cat", "dog", "[bird](http://x)"]))
        st.markdown(alt_text.per_class_summary(np.array([0.8, 0.4, 1.0]), ["cat", "dog", "[bird](http://x)"]))
        st.dataframe(alt_text.curves_table(history))

    at = AppTest.from_function(script, args=(history, total, lang), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return [shown_text(m.value) for m in at.markdown], at.dataframe[0].value


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Loss from 2.30 to 0.85 over 3 of 10 epochs; best validation accuracy 71.2% at epoch 2."),
        ("zh", "损失在 3/10 轮中从 2.30 变为 0.85；最高验证准确率 71.2%（第 2 轮）。"),
    ],
)
def test_the_curves_summary_is_computed_from_the_records_in_both_languages(lang, expected):
    (curves, confusion, per_class), table = summaries(lang, HISTORY, 10)
    assert curves == expected
    if lang == "en":  # 22 of 30 right; dog taken for cat 5 times; a class name is shown as typed
        assert confusion == (
            "22 of 30 test images classified correctly (73.3%); the most frequent mistake: dog taken for cat (5 times)."
        )
        assert per_class == "Best recognised: [bird](http://x) (100% right); worst: dog (40%)."
        assert list(table.columns) == ["Epoch", "Training loss", "Training accuracy", "Validation loss",
                                       "Validation accuracy"]  # fmt: skip
    else:
        assert confusion == "30 张测试图片中有 22 张分类正确（73.3%）；最常见的错误：把dog认成cat（5 次）。"
        assert list(table.columns)[0] == "轮次"
    assert table.iloc[2, 1] == pytest.approx(0.852)


def test_the_summary_grows_with_the_run_and_says_when_there_is_nothing_yet():
    (first, *_), _ = summaries("en", HISTORY[:1], 10)
    (done, *_), _ = summaries("en", HISTORY, 3)
    (nothing, *_), _ = summaries("zh", [], 10)
    assert first == "Loss from 2.30 to 2.30 over 1 of 10 epochs; best validation accuracy 40.2% at epoch 1."
    assert done == "Loss from 2.30 to 0.85 over 3 epochs; best validation accuracy 71.2% at epoch 2."
    assert nothing == zh("alt.curves.none")
    (no_validation, *_), _ = summaries("en", [{k: r[k] for k in ("epoch", "loss", "accuracy")} for r in HISTORY], 3)
    assert no_validation == "Loss from 2.30 to 0.85 over 3 epochs; best training accuracy 70.0% at epoch 3."


def test_the_grad_cam_sentence_says_where_the_heat_is():
    def script():
        import numpy as np
        import streamlit as st

        from ui.alt_text import gradcam_alt

        heat = np.zeros((8, 8))
        heat[0:2, 6:8] = 1.0  # top right, 1/16 of the picture
        st.session_state.language = "en"
        st.text(gradcam_alt(heat, "cat"))
        st.session_state.language = "zh"
        st.text(gradcam_alt(heat, "cat"))

    at = AppTest.from_function(script, default_timeout=60).run()
    assert [text.value for text in at.text] == [
        "Grad-CAM heat map on the input for cat: the network looked most at the top right; 6% of the image is warm "
        "(red or yellow).",
        "输入图像上针对“cat”的 Grad-CAM 热力图：网络最关注右上方；图像中 6% 的区域为暖色（红或黄）。",
    ]


def alts(at) -> list[str]:
    return [img.alt for image in at.image for img in image.proto.imgs]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_picture_on_inside_has_alt_text_saying_what_it_shows(lang):
    from classifier.core.predict import load_model
    from classifier.training.timeline import first_conv

    first = first_conv(load_model("default").model)
    at = app_at("pages/inside.py", lang=lang)
    at.segmented_control(key="inside_source").set_value("upload").run()
    at.file_uploader(key="inside_upload").set_value(("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg")).run()
    assert not at.exception
    texts = alts(at)
    assert len(texts) == len([img for image in at.image for img in image.proto.imgs]) >= 4
    assert all(texts), texts  # filters, the input, Grad-CAM, each layer's feature maps
    if lang == "en":
        assert texts[0].startswith(f"The {first.filters} filters of layer {first.name}, 3×3 each, in colour")
        assert texts[1] == en("alt.input")
        assert texts[2].startswith("Grad-CAM heat map on the input for ") and "looked most at the " in texts[2]
        assert texts[3].startswith(f"The {first.filters} feature maps of layer {first.name}, 32×32 each")
    else:
        assert texts[1] == zh("alt.input") and "Grad-CAM 热力图" in texts[2] and "张特征图" in texts[3]


def test_predict_pictures_say_which_photo_they_show():
    at = app_at("pages/predict.py", lang="zh")
    at.file_uploader(key="predict_files").set_value([("dog.jpg", (PHOTOS / "dog.jpg").read_bytes(), "image/jpeg")])
    at.run()
    assert not at.exception
    assert alts(at)[:2] == ["你的照片 dog.jpg。", "网络看到的 dog.jpg：32×32 像素（已放大）。"]


def test_a_finished_run_reads_as_text_and_a_cell_is_chosen_without_the_mouse():
    at = app_at("pages/train.py")
    at.radio(key="hp_dataset").set_value("shapes").run()
    at.number_input(key="hp_limit").set_value(200).run()
    at.number_input(key="hp_epochs").set_value(2).run()
    button(at, "start").click().run()
    from ui import state

    job = state.engine().job(at.session_state["job_id"])
    sentences = set()
    while not job.wait(0.3):
        at.run()  # as run_every would: the summary follows the run
        sentences |= {shown_text(m.value) for m in at.markdown if "epoch" in shown_text(m.value)}
    at.run()
    assert not at.exception
    history = job.snapshot().history
    last = history[-1]
    final = f"Loss from {history[0]['loss']:.2f} to {last['loss']:.2f} over 2 epochs; "
    assert any(text.startswith(final) for text in (shown_text(m.value) for m in at.markdown))
    assert sentences <= {en("alt.curves.none")} | {t for t in sentences if t.startswith("Loss from ")}
    # The confusion matrix as a sentence, as a table, and its cells in a select box.
    confusion = next(shown_text(m.value) for m in at.markdown if "classified correctly" in shown_text(m.value))
    right, total = (int(n.replace(",", "")) for n in confusion.split(" test images")[0].split(" of "))
    tables = [frame.value for frame in at.dataframe]
    matrix = next(t for t in tables if en("alt.confusion.true_column") in t.columns)
    counts = matrix.drop(columns=en("alt.confusion.true_column")).to_numpy()
    assert counts.sum() == total and np.trace(counts) == right
    picker = next(s for s in at.selectbox if s.label == en("alt.confusion.pick"))
    assert picker.value is None and len(picker.options) == 1 + int((counts > 0).sum())
    cell = next(option for option in picker.options[1:])
    picker.select_index(1).run()
    assert not at.exception
    headings = [shown_text(h.value) for h in at.subheader]
    true_name, rest = cell.split(" → ")
    assert any(true_name in heading for heading in headings if heading != en("results.mistakes")), (cell, headings)
    assert all(alts(at)), "every picture of the results has alt text"
