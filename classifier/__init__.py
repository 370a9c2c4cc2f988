"""A small, Streamlit-free library for teaching CNNs on CIFAR-10: data, model, training engine,
inspection, prediction and saved runs. Import the submodules; TensorFlow loads on first use."""

import os

# TensorFlow's C++ start-up chatter (CUDA probing on a CPU machine) is noise for students.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
