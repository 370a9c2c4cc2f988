"""The challenges: LiteRT export and the on-device model, federated training, occlusion,
invariance probes, the learning-curve sweep, and the background tasks they run in."""
