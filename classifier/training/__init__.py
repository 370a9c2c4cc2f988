"""Training: the one fit path of a run (fit.py) and its pieces: the tf.data pipeline, callbacks
(schedules, early stopping, TensorBoard), the timeline of filters per epoch, and the measured
epoch estimate."""
