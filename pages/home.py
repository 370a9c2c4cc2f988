"""Home: what this is, the seed network at a glance, and where to start."""

import streamlit as st

from classifier.core.config import SEED
from classifier.core.model import count_params, describe_layers
from ui import charts, require_app
from ui.i18n import labels, t

require_app()

st.title(t("home.title"))
st.markdown(t("home.intro"))

st.subheader(t("home.network"))
st.plotly_chart(
    charts.network_diagram(
        describe_layers(SEED), t("home.input"), t("home.weights"), labels("layer.short", charts.LAYER_KINDS)
    ),
    config={"displayModeBar": False, "staticPlot": True},
)
st.caption(t("home.network_caption", params=count_params(SEED)))

st.subheader(t("home.start"))
cells = st.columns(4)
cells[0].page_link("pages/train.py", label=t("home.go_train"), icon=":material/model_training:")
cells[1].page_link("pages/inside.py", label=t("home.go_inside"), icon=":material/visibility:")
cells[2].page_link("pages/predict.py", label=t("home.go_predict"), icon=":material/image_search:")
cells[3].page_link("pages/runs.py", label=t("home.go_runs"), icon=":material/table_chart:")
st.page_link("pages/learn.py", label=t("home.go_learn"), icon=":material/function:")
st.markdown(t("home.steps"))
