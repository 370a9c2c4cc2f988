"""Training's pieces: the tf.data pipeline, callbacks (schedules, early stopping, TensorBoard),
the timeline of filters per epoch, and the measured epoch estimate."""
