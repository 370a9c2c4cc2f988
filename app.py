"""Placeholder page until the app lands: the package works without Streamlit."""

import streamlit as st

st.set_page_config(page_title="CNN Classroom", page_icon="🧠")
st.title("CNN Classroom")
st.write("The classifier package is ready; the pages are coming next.")
