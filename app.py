"""CNN Classroom: page set-up, the language switch and navigation. Pages live in pages/."""

import streamlit as st

from ui import enter_app, leave_app, widgets
from ui.i18n import language_switch, t
from ui.state import remember_owner, warm_up

enter_app()
st.set_page_config(page_title="CNN Classroom", page_icon=":material/neurology:", layout="wide")
language_switch()
widgets.streamlit_texts()
with st.sidebar:
    remember_owner()
navigation = st.navigation(
    [
        st.Page("pages/home.py", title=t("nav.home"), icon=":material/home:", default=True),
        st.Page("pages/train.py", title=t("nav.train"), icon=":material/model_training:"),
        st.Page("pages/inside.py", title=t("nav.inside"), icon=":material/visibility:"),
        st.Page("pages/learn.py", title=t("nav.learn"), icon=":material/function:"),
        st.Page("pages/predict.py", title=t("nav.predict"), icon=":material/image_search:"),
        st.Page("pages/runs.py", title=t("nav.runs"), icon=":material/table_chart:"),
        st.Page("pages/challenges.py", title=t("nav.challenges"), icon=":material/science:"),
        st.Page("pages/class_.py", title=t("nav.class"), icon=":material/groups:", url_path="class"),
    ]
)
try:
    navigation.run()
finally:
    leave_app()
warm_up()  # after the page: its first script run gets the cores, not TensorFlow's import
