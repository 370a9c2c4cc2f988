"""CNN Classroom: page set-up, the language switch and navigation. Pages live in pages/."""

import streamlit as st

from ui import PAGE_STYLE, enter_app, install_patches, leave_app, widgets
from ui.i18n import language_switch, t
from ui.state import remember_owner, warm_up

install_patches()  # Streamlit's (patches.py): before anything else of this script run
enter_app()
# The browser tab's icon is an emoji (drawn by the browser itself): a Material icon there, the page's own
# included, makes every visitor's browser fetch it from fonts.gstatic.com (Streamlit 1.67's frontend).
FAVICON = "🧠"
st.set_page_config(page_title="CNN Classroom", page_icon=FAVICON, layout="wide")
st.html(PAGE_STYLE)
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
        st.Page("pages/phone.py", title=t("nav.phone"), icon=":material/smartphone:", url_path="phone"),
    ]
)
st.set_page_config(page_icon=FAVICON)  # again after navigation, which puts the page's icon in the tab
try:
    navigation.run()
finally:
    leave_app()
warm_up()  # after the page: its first script run gets the cores, not TensorFlow's import (nor Keras's patch)
