"""The foundation every other subpackage builds on: messages, config, limits, the machine probe,
atomic files, image decoding, the model (and batch norm's fused kernel), data sets, run folders,
model loading, and what a model computes inside (filters, feature maps, Grad-CAM)."""
