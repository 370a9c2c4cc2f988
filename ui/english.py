"""The English of every text the pages show, written once, by key (t("nav.home") shows "Home").

Each line is a call pybabel extracts (babel.cfg): the key becomes the catalog entry's context, the
English its msgid; the Chinese lives in locale/zh_CN/LC_MESSAGES/messages.po. A text that counts
something is `english_plural(key, one, other, count=parameter)`. The package's own message codes
keep their English in classifier/core/messages.py. How to add or change a text: docs/translations.md.
"""

from classifier.core.messages import Texts

UI = Texts()
english, english_plural = UI.english, UI.english_plural

# Navigation and language
english("nav.home", "Home")
english("nav.train", "Train")
english("nav.inside", "Inside the network")
english("nav.predict", "Predict")
english("nav.runs", "Runs")
english("language", "Language")
# Home
english("home.title", "CNN Classroom")
english(
    "home.intro",
    "Train a convolutional neural network on **CIFAR-10** (60,000 small photos in ten classes) "
    "right in your browser, watch it learn, then look inside: the filters it learned, what each "
    "layer sees, and where it looks when it decides. Finally, show it your own photos.",
)
english("home.network", "The seed network")
english("home.input", "Input image")
english("home.weights", "weights")
english(
    "home.network_caption",
    "Each block is a layer's output: its height is the image size, its width the number of channels. "
    "Convolutions (blue) find patterns, pooling (orange) halves the size, dense layers (green) decide. "
    "{params:,} parameters in all; trained for 10 epochs it reaches about 70% test accuracy.",
)
english("home.start", "Where to start")
english("home.go_train", "Train a network")
english("home.go_inside", "Look inside")
english("home.go_predict", "Try your photos")
english("home.go_runs", "Compare runs")
english(
    "home.steps",
    "1. **Train**: keep the seed settings and press *Start* (or pick the *shapes* data set for a "
    "quick demo).\n2. **Inside the network**: pick your run and see its filters and feature maps.\n"
    "3. **Predict**: drop in any photo. The built-in model works before you train anything.\n"
    "4. **Runs**: change one hyperparameter, train again, and compare the curves.\n"
    "5. **Share with the class**: under a finished run (on Train or in Runs) type the name the class "
    "should see and press *Share with the class*; everyone then finds it in Runs, with that name.",
)
# Data sets
english("data.cifar10", "CIFAR-10")
english("data.shapes", "Shapes (built in)")
english("data.upload", "My zip")
english("data.first_images", "{name}, {limit} images")
english("data.cifar10.short", "CIFAR-10")
english("data.shapes.short", "Shapes")
english("widget.choose", "Choose options")
english("widget.upload", "Upload")
english("widget.upload_limit", "{size} MB per file")
# Shown in place of Streamlit's own English when a file is refused before it is sent (too large,
# or of a type the control does not take): its message names neither in the reader's language.
english("widget.upload_refused", "Not uploaded: at most {size} MB per file, of a type this box accepts.")
english("data.loading", "Loading data: {detail}")
english("data.failed", "The data set could not be loaded: {reason}")
english("data.use_shapes", "Use the built-in shapes set instead")
# Presets
english("preset.seed", "Seed")
english("preset.speed", "Speed")
english("preset.strong", "Strong")
english("preset.quick", "Quick demo")
english("preset.seed.help", "Exactly the tutorial's network: about 70% accuracy on CIFAR-10 after 10 epochs.")
english(
    "preset.speed.help",
    "The tutorial's network with batch normalisation, mirrored images and a warm-up + cosine learning rate: about 70% accuracy on CIFAR-10 in 3 epochs, a third of the tutorial's time. The test set is measured once, at the end.",
)
english(
    "preset.strong.help",
    "Deeper (two convolutions per block), with batch normalisation, augmentation, a cosine schedule and a mirror-averaged final test: about 86% accuracy on CIFAR-10.",
)
english("preset.quick.help", "The seed network on the built-in shapes: learns in a few epochs.")
# Train page
english("train.title", "Train a network")
english(
    "train.intro",
    "Choose the data and the hyperparameters, press Start, and watch the curves grow. Training "
    "keeps going if you switch pages.",
)
english("train.preset", "Preset")
english("train.dataset", "Data set")
english("train.upload_zip", "Zip of class folders")
english(
    "train.upload_help", "One folder per class (cat/, dog/, …), optionally inside train/ and test/. Any image format."
)
english("train.no_upload", "dataset: upload a zip of class folders first")
english("train.limit", "Images per split (0 = all)")
english("train.limit_help", "Use only the first N training and N test images, balanced over classes, for quick runs.")
english("train.network", "Network")
english("train.blocks", "Convolution blocks")
english("train.block_filters", "Block {block}: filters")
english("train.block_pool", "2×2 max pooling after")
english("train.conv_filters", "Filters per block")
english("train.pool_after", "Pooling after each block")
english("train.kernel_size", "Kernel size")
english("train.convs_per_block", "Convolutions per block")
english("train.padding", "Padding")
english("train.activation", "Activation")
english("train.batch_norm", "Batch normalisation")
english("train.head", "Before the dense layers")
english("train.dense_units", "Hidden dense units (0 = none)")
english("train.dropout", "Dropout")
english("train.training", "Training")
english("train.optimizer", "Optimizer")
english("train.learning_rate", "Learning rate")
english("train.batch_size", "Batch size")
english("train.epochs", "Epochs")
english("train.lr_schedule", "Learning-rate schedule")
english("train.warmup_epochs", "Warm-up epochs")
english("train.momentum", "Momentum (SGD)")
english("train.weight_decay", "Weight decay")
english("train.label_smoothing", "Label smoothing")
english(
    "train.label_smoothing_help",
    "Train towards 1 − ε on the right class and ε shared out over all classes, instead of 1 and 0: "
    "the network grows less over-confident. 0 = off, as in the seed program. The losses shown include it.",
)
english("train.augmentation", "Data augmentation")
english("train.validation", "Validation data")
english("train.holdout_fraction", "Held-out share")
english("train.random_seed", "Random seed")
english("train.precision", "Arithmetic")
english(
    "train.precision_help",
    "bfloat16 keeps 8 bits of each number's mantissa instead of 23: about 1.4x faster on CPUs that do it in hardware, with the same accuracy. Weights, probabilities and the loss stay float32. Auto uses it where the CPU supports it.",
)
english("train.tta", "Final test")
english(
    "train.tta_help",
    "How the test images are shown to the trained network once training ends. Mirror averaging shows each image and its left-right mirror and averages the two guesses: about twice the test time (a few seconds), usually a little more accuracy.",
)
english("train.preview_title", "Sample images")
english("train.preview", "{name}: {train:,} training and {test:,} test images.")
english("train.start", "Start training")
english("train.start_failed", "Could not start: {reason}")
english("train.stop", "Stop")
english("train.cancel", "Leave the queue")
english("train.queued", "Waiting for a free training slot: you are number {position} in the queue.")
english("train.starting", "Starting… ({phase})")
english("train.starting_plain", "Starting…")
english(
    "queue.expected",
    "Expected to start in about {start} and to finish in about {end} (around {at}), from the epoch time "
    "measured on this server.",
)
english(
    "queue.expected_unknown",
    "The expected start appears once this server has measured how long an epoch of this network takes.",
)
english("queue.cell", "#{position} · starts in {start} · ends in {end}")
english("queue.cell_unknown", "#{position}")
english_plural(
    "share.note",
    "Shared training: {students} student of this lesson asked for exactly these settings, so it is trained once.",
    "Shared training: {students} students of this lesson asked for exactly these settings, so it is trained once for all of them.",
    count="students",
)
english(
    "share.help",
    "Same network, data, hyperparameters, seed, precision and code: the very training you asked for. "
    "Stop leaves it (your run keeps what was trained so far); it stops only when everyone has left.",
)
english("train.progress", "Epoch {epoch} of {epochs}: batch {step} of {steps}")
english("train.epoch", "Epoch")
english("train.speed", "Images / s")
english("train.eta", "Time left")
english("train.elapsed", "Elapsed")
english("train.finished", "Training finished.")
english("train.stopped", "Training was stopped; results are from the last weights.")
english("train.failed", "Training failed: {reason}")
english("train.interrupted", "Training was interrupted: {reason}")
english("padding.valid", "valid (shrinks)")
english("padding.same", "same (keeps size)")
english("head.flatten", "Flatten")
english("head.global_average", "Global average pooling")
english("precision.auto", "auto")
english("precision.float32", "float32")
english("precision.bfloat16", "bfloat16 (mixed)")
english("schedule.constant", "constant")
english("schedule.cosine", "cosine")
english("augment.flip", "mirror left-right")
english("augment.shift", "shift ±4 px")
english("augment.crop", "random crop & zoom")
english("validation.test", "test split (as the tutorial)")
english("validation.holdout", "held out from training")
english("validation.none", "none")
english("tta.none", "each image as it is")
english("tta.flip", "averaged with its mirror")
# Architecture summary
english("summary.title", "The network you are building")
english("summary.layer", "Layer")
english("summary.kind", "Type")
english("summary.shape", "Output shape")
english("summary.params", "Parameters")
english("summary.total_params", "Parameters in all")
english("summary.estimate", "Estimated time per epoch")
english(
    "summary.estimate_help",
    "Measured on this server: a few training steps of this very network were timed. About {total} for all epochs.",
)
english("summary.estimate_measuring", "measuring…")
english("summary.estimate_line", "Estimated time per epoch: {value}")
english_plural(
    "summary.estimate_total",
    "{epochs} epoch: about {total} on this server.",
    "All {epochs} epochs: about {total} on this server.",
    count="epochs",
)
english(
    "summary.estimate_busy",
    "Measured when no run is training on this server (a measurement now would be slowed by it, and slow it).",
)
# Charts
english("chart.loss", "Loss")
english("chart.accuracy", "Accuracy")
english("chart.val_loss", "Validation loss")
english("chart.val_accuracy", "Validation accuracy")
english("chart.batches", "training (recent batches)")
english("chart.train", "training (epoch)")
english("chart.validation", "validation (epoch)")
english("chart.epoch", "Epoch")
english("chart.reference", "seed network ≈ 70%")
# Results
english("results.test_accuracy", "Test accuracy")
english("results.test_loss", "Test loss")
english("results.epochs", "Epochs trained")
english("results.download", "Download the model (.keras)")
english("results.confusion", "Confusion matrix")
english("results.predicted", "predicted")
english("results.true", "true")
english("results.count", "images")
english("results.per_class", "Accuracy per class")
english("results.accuracy", "accuracy")
english("results.confused_pairs", "Most often confused:")
english_plural(
    "results.confused_pair",
    "- **{true}** taken for **{predicted}**: {count} time",
    "- **{true}** taken for **{predicted}**: {count} times",
    count="count",
)
english("results.mistakes", "Its most confident mistakes")
english("results.mistake", "{true} → {predicted} ({confidence:.0%})")
# Model picking
english("model.pick", "Model")
english("model.builtin", "Built-in model (pretrained on CIFAR-10)")
english("model.upload_option", "Upload a model (.keras)…")
english("model.upload", "A Keras model file")
english(
    "model.upload_help",
    "Saved with model.save('name.keras'); it must take 32×32 RGB images. Models with Lambda layers are refused.",
)
english("model.current", "Current run: {name}")
english("model.unusable", "This model cannot be used: {reason}")
# Inside page
english("inside.title", "Inside the network")
english(
    "inside.intro",
    "A convolution slides small learned filters over the image; each filter answers one question "
    "(an edge? a colour? a texture?) at every position. Pooling keeps the strongest answers.",
)
english("inside.filters", "Filters")
english("inside.look", "One image, layer by layer")
english("inside.filter_layer", "Convolution layer")
english(
    "inside.filters_caption",
    "{count} filters of {size}×{size} pixels, shown {colour}; bright = strong positive weight.",
)
english("inside.colour", "in colour (one weight per red, green and blue)")
english("inside.gray", "in gray (averaged over input channels)")
english("inside.image_source", "Image")
english("inside.source.random", "Random test image")
english("inside.source.class", "Of one class")
english("inside.source.upload", "My image")
english("inside.upload", "Upload an image")
english("inside.class", "Class")
english("inside.another", "Another image")
english("inside.input", "What the network sees (32×32)")
english("inside.input_true", "What the network sees (32×32); true class: {label}")
english("inside.guess_right", "True class: {true}. The network's guess is right.")
english("inside.guess_wrong", "True class: {true}. The network guessed {guess}: wrong.")
english("inside.gradcam_class", "Explain the class")
english("inside.predicted_class", "the predicted class")
english("inside.gradcam_caption", "Where it looked for “{label}” (Grad-CAM)")
english("inside.cannot_inspect", "This model cannot be looked inside: {reason}")
english("inside.maps", "Feature maps, layer by layer")
english("inside.maps_caption", "{layer}: {count} maps of {size}; bright = the filter responded strongly there.")
# Predict page
english("predict.title", "Predict")
english(
    "predict.intro", "Drop photos here. The network only knows its classes, and sees each photo shrunk to 32×32 pixels."
)
english("predict.top_k", "Show the top")
english("predict.fit", "Make it square by")
english("predict.fit.crop", "cropping the centre")
english("predict.fit.squash", "squashing")
english("predict.tta", "Also look at the mirror image (test-time flip)")
english(
    "predict.tta_help",
    "The model judges the photo and its left-right mirror and averages the two sets of probabilities: usually a little more accurate, at twice the computation. On at first for models whose test accuracy was measured this way (the built-in model).",
)
english("predict.upload", "Drag and drop images")
english("predict.upload_help", "PNG, JPEG, WebP, GIF, BMP or TIFF; several at once.")
english("predict.use_camera", "Use the camera")
english("predict.camera", "Take a photo")
english("predict.camera_photo", "camera photo")
english("predict.too_many", "{count} files: only the first {limit} are shown.")
english("predict.empty", "This model knows: {classes}.")
english("predict.verdict", "**{name}**: {label} ({probability:.0%})")
english("predict.original", "Your image")
english("predict.seen", "What the model sees")
english("predict.probability", "probability")
english(
    "predict.unsure",
    "The model's best guess is weak ({probability:.0%}, while a sure answer is near 100%): the photo may "
    "look unlike the pictures it was trained on, or show none of its classes.",
)
english("predict.bad_file", "{name}: {reason}")
english("nav.phone", "On a phone")
english("phone.title", "Predict on this phone")
english("phone.builtin", "The built-in model runs in this phone's browser: photos stay on the phone.")
english("phone.run", "A student's own network runs in this phone's browser: photos stay on the phone.")
english("phone.bad_link", "This phone link does not open any model: it was withdrawn, or mistyped. Ask for a new one.")
english("predict.phone", "Open it on a phone")
english(
    "predict.phone_caption",
    "Scan the code or open the link on a phone (same server, no login): this model then runs in the "
    "phone's browser, with its camera, and the time per image is measured there. Anyone with the link can "
    "use this model, nobody can see the photos.",
)
english("predict.phone_revoke", "Withdraw this link")
english("predict.phone_revoked", "The old link no longer works; a new one is shown.")
english("predict.flavour", "Model file in the browser")
english("predict.flavour.float32", "float32 (the server's numbers)")
english("predict.flavour.int8", "int8 (a quarter of the bytes)")
english(
    "predict.flavour_help",
    "float32 computes exactly what the server computes. int8 stores weights and activations as 8-bit "
    "integers (calibrated on 300 training images): about 4× smaller to download, and its probabilities "
    "differ from the server's by a few hundredths (the Challenges page measures its accuracy).",
)
english("predict.preparing", "Preparing the model for the browser…")
english("predict.where", "Where the network runs")
english("predict.where.device", "on this device")
english("predict.where.server", "on the server")
english(
    "predict.where_help",
    "On this device, your browser decodes each photo, shrinks it to 32×32 and runs the network itself: "
    "the photo is never sent anywhere. On the server, photos are uploaded and the server predicts.",
)
english("predict.computed_server", "Computed on the server: the photos below were uploaded to it.")
english(
    "predict.no_runtime",
    "On-device prediction is not available on this server: the browser runtime (LiteRT.js, installed by "
    "`make run` with Node.js and npm) is missing. Predictions are computed on the server.",
)
english(
    "predict.browser_cannot",
    "This browser cannot run the network itself, so predictions are computed on the server.",
)
english(
    "predict.export_failed",
    "The model could not be prepared for the browser ({reason}), so predictions are computed on the server.",
)
english("predict.upload_model_server", "An uploaded model predicts on the server.")
english("ondevice.drop", "Drop images here, pick several, or take a photo. They stay on this device.")
english("ondevice.pick", "Choose images")
english("ondevice.snap", "Take the photo")
english("ondevice.close_camera", "Close the camera")
english("ondevice.camera_photo", "camera photo")
english(
    "ondevice.no_camera",
    "The camera could not be opened: allow this page to use it in the browser's settings, or choose images instead.",
)
english("ondevice.camera", "Take a photo")
english("ondevice.loading", "Loading the network into this browser…")
english("ondevice.ready", "Predictions are computed on this device: your photos are not sent anywhere.")
english_plural(
    "ondevice.timing",
    "Median time per image in this browser: {ms} ms ({count} image).",
    "Median time per image in this browser: {ms} ms ({count} images).",
    count="count",
)
english("ondevice.where", "Computed on this device in {ms} ms.")
english("ondevice.verdict", "{name}: {label} ({probability:.0%})")
english("ondevice.undecodable", "this browser cannot read it as an image (try PNG or JPEG, or predict on the server)")
english("ondevice.empty", "the file is empty")
english("ondevice.too_big", "the file is larger than {limit_mb} MB")
english("ondevice.too_many_pixels", "the image is {width}×{height} pixels, more than 40 million")
english("ondevice.unavailable", "This browser cannot run the network; try it in another, up-to-date browser.")
# Runs page
english("runs.title", "Runs")
english(
    "runs.intro",
    "Your runs, and those others shared with the class (with their names). Pick several to compare "
    "their curves; share one of yours from its details below.",
)
english("runs.none", "No runs yet.")
english("runs.compare", "Compare")
english("runs.details", "Details of")
english("runs.no_history", "None of these runs has finished an epoch yet.")
english("runs.col.when", "Started")
english("runs.col.status", "Status")
english("runs.col.dataset", "Data set")
english("runs.col.network", "Filters")
english("runs.col.optimizer", "Optimizer, rate · batch")
english("runs.col.precision", "Arithmetic")
english("runs.col.epochs", "Epochs")
english("runs.col.best_val", "Best validation")
english("runs.col.test", "Test accuracy")
# Short headers (the full name in each one's tooltip): with the long ones the table was wider than a
# 1366×900 window and its last column read "L…" or "Whos…".
english("runs.col.optimizer_short", "Optimizer")
english("runs.col.best_val_short", "Validation")
english("runs.col.best_val_help", "The best validation accuracy of any epoch; — until an epoch is validated.")
english("runs.col.test_short", "Test")
english("runs.col.test_help", "The accuracy on the test images at the end; — until the run has finished.")
english("runs.took", "Trained for {duration}.")
english("runs.col.owner", "Whose")
english("runs.mine", "mine")
english("runs.shared", "shared")
english("runs.public", "Share with the class")
english("runs.resume", "Resume")
english("runs.delete", "Delete")
english("runs.deleted", "Run deleted.")
english("runs.config", "All hyperparameters")
# Statuses
english("status.queued", "queued")
english("status.running", "running")
english("status.finished", "finished")
english("status.stopped", "stopped")
english("status.failed", "failed")
english("status.interrupted", "interrupted")
# What a page says instead of an exception's or the system's own words (those go to the server log)
english(
    "page.unexpected_error",
    "Something went wrong that the app did not expect. Try again; if it happens again, tell whoever runs "
    "this server: the details are in its log.",
)
english("page.details_logged", "the details are in the server log")
# Durations
english("duration.under_second", "< 1 s")
english("duration.seconds", "{s} s")
english("duration.minutes", "{m} min {s} s")
english("duration.hours", "{h} h {m} min")
# Issue 16 (friction found in a walkthrough): sharing, readable settings, presets, notes, models
english("share.title", "Sharing with the class")
english("share.name", "Your name, as the class will see it")
english("share.name_help", "Up to 40 letters, digits, spaces and - . ' ·; leave it empty to share without a name.")
english("share.stop", "Stop sharing")
english(
    "share.private",
    "Only you can see this run. Shared, everyone sees and compares it in Runs (they cannot change or delete it).",
)
english("share.shared_as", "Shared with the class as **{name}**: everyone sees it in Runs.")
english("share.shared", "Shared with the class (without a name): everyone sees it in Runs.")
english("share.done_as", "Shared with the class as {name}.")
english("share.done", "Shared with the class.")
english("share.stopped", "This run is private again.")
english("share.failed", "Could not share: {reason}")
english("runs.shared_by", "shared by {name}")
english("config.setting", "Setting")
english("config.value", "Value")
english("config.yes", "yes")
english("config.no", "no")
english("config.none", "none")
english("config.all", "all")
english("config.then_pool", "{filters}, then 2×2 max pooling")
english("preset.custom", "Custom")
english(
    "preset.custom.help",
    "Your own settings: they match no preset, so no accuracy is promised; the time per epoch beside is measured for "
    "these settings. Pick a preset to start again from it.",
)
english(
    "train.zip_prompt",
    "Upload a zip of class folders in the box under *Data set* (one folder per class, e.g. cat/ and "
    "dog/). The network and sample images appear here once it is read.",
)
english("results.no_mistakes", "None: it classified every test image correctly.")
english(
    "predict.unsure_builtin",
    "The built-in model knows only small 32×32 pictures like CIFAR-10's ten classes: a close-up, an "
    "unusual angle or a busy background confuses it even when the photo shows one of them.",
)
english(
    "model.about_builtin",
    "Shown: the built-in model, the *{preset}* preset trained on CIFAR-10 ({accuracy:.0%} test accuracy; "
    "convolutions {filters}). It is stronger than the tutorial's seed network (convolutions {seed}) that Home "
    "and Train describe; train the *{seed_preset}* preset to look inside that one.",
)
english("model.about_run", "Shown: {whose}: {settings} (convolutions {filters}), trained on {dataset}.")
english("preset.switched_data", "The {preset} preset trains on another data set: the data set is now {dataset}.")
english("preset.settings", "{preset} settings")
english_plural(
    "preset.epochs_variant",
    "{preset} network, {epochs} epoch",
    "{preset} network, {epochs} epochs",
    count="epochs",
)
english(
    "preset.epochs_variant.help",
    "The {preset} network and training, for {epochs} epochs instead of the preset's {planned}: "
    "the preset's accuracy figure is for {planned} epochs; the time beside is for {epochs}.",
)
english("model.about_upload", "Shown: the model you uploaded, {name}.")
english("model.whose.latest", "your latest finished run ({when})")
english("model.whose.mine", "your run of {when}")
english("model.whose.shared", "a run {name} shared ({when})")
english("model.whose.class", "a run shared with the class ({when})")
english("inside.filter_size", "Size")
english("inside.size.small", "small")
english("inside.size.medium", "medium")
english("inside.size.large", "large")
# Layer types: short names for the network diagram, and with the Keras class a student meets in code
english("layer.short.Conv2D", "Conv")
english("layer.short.MaxPooling2D", "Max pool")
english("layer.short.Flatten", "Flatten")
english("layer.short.Dense", "Dense")
english("layer.short.GlobalAveragePooling2D", "Global avg pool")
english("layer.short.BatchNormalization", "Batch norm")
english("layer.short.Activation", "Activation")
english("layer.short.Dropout", "Dropout")
english("layer.kind.Conv2D", "Convolution (Conv2D)")
english("layer.kind.MaxPooling2D", "Max pooling (MaxPooling2D)")
english("layer.kind.Flatten", "Flatten")
english("layer.kind.Dense", "Dense, fully connected (Dense)")
english("layer.kind.GlobalAveragePooling2D", "Global average pooling (GlobalAveragePooling2D)")
english("layer.kind.BatchNormalization", "Batch normalisation (BatchNormalization)")
english("layer.kind.Activation", "Activation")
english("layer.kind.Dropout", "Dropout")
# Class names of the built-in data sets, for display only (a model's labels stay as they are);
# listed in each set's own order, which `class_names` relies on.
english("class.cifar10.airplane", "airplane")
english("class.cifar10.automobile", "automobile")
english("class.cifar10.bird", "bird")
english("class.cifar10.cat", "cat")
english("class.cifar10.deer", "deer")
english("class.cifar10.dog", "dog")
english("class.cifar10.frog", "frog")
english("class.cifar10.horse", "horse")
english("class.cifar10.ship", "ship")
english("class.cifar10.truck", "truck")
english("class.shapes.circle", "circle")
english("class.shapes.square", "square")
english("class.shapes.triangle", "triangle")
english("class.shapes.cross", "cross")
english("class.shapes.ring", "ring")
english("class.shapes.stripes", "stripes")

# --- Challenges page: little data, explanations, phones and IoT, privacy -------------------------------
english("nav.challenges", "Challenges")
english("ch.title", "Four open challenges, as experiments")
english(
    "ch.intro",
    "The document ends with four problems image classification still has: too little good data, models nobody can explain, models too heavy for phones, and the privacy of the people in the photos. Each tab turns one into an experiment you run and measure on this machine.",
)
english("ch.tab.data", "1 · Little data")
english("ch.tab.explain", "2 · Explanations")
english("ch.tab.export", "3 · Phones and IoT")
english("ch.tab.privacy", "4 · Privacy")
english("ch.dataset", "Data set")
english("ch.dataset.cifar10", "CIFAR-10")
english("ch.dataset.shapes", "Built-in shapes")
english("ch.machine", "{cpu}, {cores} cores")
english("ch.stop", "Stop")
english("ch.working", "Working…")
# 1. Little data
english(
    "ch.data.intro",
    "How much does accuracy depend on the amount of labelled data? The same network is trained on a share of the training images, from 2% to 100% (the same share of every class), each as an ordinary run in the queue, and tested on the whole test set. Augmentation (flipped and shifted copies) is one way to get more out of few images: compare the two curves.",
)
english("ch.data.epochs", "Epochs per run")
english("ch.data.fractions", "Shares of the training set")
english("ch.data.augment", "Augmentation")
english("ch.data.augment.both", "without and with")
english("ch.data.augment.without", "without")
english("ch.data.augment.with", "with (flip + shift)")
english_plural(
    "ch.data.plan_measuring",
    "{runs} run. Measuring how long it takes on this server…",
    "{runs} runs. Measuring how long they take on this server…",
    count="runs",
)
english_plural(
    "ch.data.plan_unmeasured",
    "{runs} run. Its time is measured when no run trains on this server (see the Train page's estimate).",
    "{runs} runs. Their time is measured when no run trains on this server (see the Train page's estimate).",
    count="runs",
)
english_plural(
    "ch.data.plan",
    "{runs} run, roughly {duration} of training on this machine.",
    "{runs} runs, roughly {duration} of training in all on this machine.",
    count="runs",
)
english("ch.data.start", "Start the learning curve")
english("ch.data.stop", "Stop the sweep")
english_plural(
    "ch.data.progress",
    "{done} of {total} run done",
    "{done} of {total} runs done",
    count="total",
)
english("ch.data.with", "with augmentation")
english("ch.data.without", "without augmentation")
english("ch.data.x", "Training images (log scale)")
english("ch.data.col.fraction", "Share")
english("ch.data.col.augment", "Augmentation")
english("ch.data.col.images", "Training images")
english("ch.data.col.status", "Status")
english(
    "ch.data.measured",
    "Each point is a run of its own (also listed under Runs), trained and tested on this machine ({machine}, {precision} arithmetic); the test set is the same for every point.",
)
# 2. Explanations
english(
    "ch.explain.intro",
    "A network's decision is hard to explain. Two methods answer “where did it look?” in different ways; when they agree, the explanation is more trustworthy.",
)
english("ch.explain.source", "Image")
english("ch.explain.source.test", "A test image")
english("ch.explain.source.upload", "My image")
english("ch.explain.patch", "Grey patch (pixels)")
english("ch.explain.stride", "Step (pixels)")
english("ch.explain.input", "Input: {label} ({p:.0%})")
english("ch.explain.gradcam", "Grad-CAM for “{label}”")
english("ch.explain.occlusion", "Occlusion for “{label}” ({patch}×{patch} patch, step {stride})")
english("ch.explain.no_gradcam", "No Grad-CAM for this model: {reason}")
english(
    "ch.explain.what_gradcam",
    "**Grad-CAM** looks inside: it weighs the last convolution's feature maps by how strongly the class score changes with each map (its gradient). It shows what the network's own features respond to, at the coarse resolution of that layer.",
)
english(
    "ch.explain.what_occlusion",
    "**Occlusion sensitivity** looks from outside: it hides one square of the picture under a grey patch, predicts again, and records how much the class probability drops. Red means hiding that part costs the most. It works for any model, one prediction per patch position.",
)
english("ch.explain.spearman", "Agreement (Spearman ρ)")
english("ch.explain.iou", "Overlap of top 20% (IoU)")
english("ch.explain.largest_drop", "Largest probability drop")
english("ch.explain.seconds", "Occlusion map time")
english(
    "ch.explain.how_agree",
    "ρ is Spearman's rank correlation of the two maps over the 32×32 pixels: 1 when both rank the pixels in the same order, 0 when unrelated, below 0 when opposed. The overlap compares each map's top 20% pixels (intersection over union). Occlusion took {positions} predictions, timed just now on this machine ({machine}).",
)
# 3. Phones and IoT
english(
    "ch.export.intro",
    "A phone or a small IoT board cannot run TensorFlow, but it can run **LiteRT** (TensorFlow Lite). Here the model is exported three ways with Keras's own exporter: float32 (the same numbers), float16 (weights in half precision: half the size) and int8 (weights and activations as 8-bit integers, calibrated on a few hundred training images: a quarter of the size and integer arithmetic). Each file is then run by the LiteRT interpreter and measured beside Keras.",
)
english("ch.export.no_test_set", "This model's test images are not available here, so it cannot be measured.")
english(
    "ch.export.plan", "Accuracy is measured on all {images:,} test images of {dataset}; this takes a minute or two."
)
english("ch.export.start", "Export and measure")
english("ch.export.keras", "Keras (.keras, float32)")
english("ch.export.col.format", "Format")
english("ch.export.col.size", "File size")
english("ch.export.col.size_ratio", "× Keras size")
english("ch.export.col.accuracy", "Test accuracy")
english("ch.export.col.agreement", "Same answer as Keras")
english("ch.export.col.p50", "One image, median")
english("ch.export.col.p95", "One image, 95th percentile")
english("ch.export.col.batch", "Batch throughput")
english(
    "ch.export.measured",
    "Measured just now on this machine ({machine}): accuracy on {images:,} test images of {dataset}; one-image latency over {calls} calls of the app's own prediction (Keras) or one interpreter call (LiteRT); throughput of one batch of {batch:,} images (Keras's predict against one interpreter call).",
)
english("ch.export.download", "{flavour} .tflite ({size:,.0f} KB)")
# 4. Privacy
english(
    "ch.privacy.intro",
    "Photos often show people. **Federated learning** trains without collecting them: each simulated device keeps its own images and trains on them, only the weights travel to a server that averages them (FedAvg), round after round. The simulation uses Flower, whose same device code could run on real phones. Compare it with a central run that saw the same images the same number of times.",
)
english("ch.privacy.devices", "Devices")
english("ch.privacy.rounds", "Rounds")
english("ch.privacy.local_epochs", "Epochs on each device per round")
english("ch.privacy.limit", "Images per split")
english("ch.privacy.split", "Each device's photos")
english("ch.privacy.split.iid", "random (every class)")
english("ch.privacy.split.skewed", "skewed to a few classes")
english("ch.privacy.alpha", "Skew: Dirichlet α (small = few classes per device)")
english("ch.privacy.dp", "Differential privacy (clip each update, add noise)")
english(
    "ch.privacy.dp_help",
    "Each device clips its change of the weights to norm C; the server adds Gaussian noise (standard deviation z·C / devices) to the average. ε says how much one device's data can change what the server learns (smaller is more private), computed by Flower's accountant (Google's dp-accounting).",
)
english("ch.privacy.dp_short", "Differential privacy")
english("ch.privacy.history", "Your simulations so far")
english("ch.privacy.noise", "Noise multiplier z")
english("ch.privacy.clip", "Clipping norm C")
english("ch.privacy.delta", "δ")
english("ch.privacy.start", "Start the simulation")
english_plural(
    "ch.privacy.stopped",
    "Stopped after {rounds} round.",
    "Stopped after {rounds} rounds.",
    count="rounds",
)
english("ch.privacy.federated", "Federated")
english("ch.privacy.central", "Central, same examples seen")
english("ch.privacy.round", "Round")
english("ch.privacy.col.sent", "Sent by each device")
english("ch.privacy.col.received", "Received by each device")
english("ch.privacy.col.seconds", "Round time")
english("ch.privacy.epsilon", "ε (δ = {delta})")
english("ch.privacy.elapsed", "Time")
english("ch.privacy.leaves", "What leaves a device")
english_plural(
    "ch.privacy.leaves_detail",
    "Each round, each device sends the server {arrays} weight arrays ({numbers:,} numbers, {size:,.0f} KB) and four numbers about its training: {metrics}. In {rounds} round the server received {total:.1f} MB in all, and nothing else: this is what the server's strategy recorded.",
    "Each round, each device sends the server {arrays} weight arrays ({numbers:,} numbers, {size:,.0f} KB) and four numbers about its training: {metrics}. In {rounds} rounds the server received {total:.1f} MB in all, and nothing else: this is what the server's strategy recorded.",
    count="rounds",
)
english("ch.privacy.stays", "What never leaves a device")
english("ch.privacy.stays_detail", "The {images:,} photos and their labels, spread over {devices} devices as below.")
english("ch.privacy.device", "Device")
english("ch.privacy.images", "Images")
english(
    "ch.privacy.measured",
    "Simulated on this machine ({machine}, {precision} arithmetic); both runs saw {seen:,} examples.",
)
english(
    "ch.privacy.dp_note",
    "This is device-level privacy: it protects everything one device holds, not single photos. With all {devices} devices in every round there is no random sampling to amplify it, so ε stays large unless the noise is large, and the accuracy pays for it.",
)

# --- Learn page (pages/learn.py) and the messages of classifier.teach.learn / classifier.challenges.probe --------
english("nav.learn", "Learn")
english("home.go_learn", "Work the formulas")
english("inside.go_learn", "Work the formulas on this network (Learn)")
english("learn.title", "Learn: the formulas, computed by your network")
english(
    "learn.intro",
    "Each section takes one formula of the tutorial (§3.3) and works it out with the numbers of the "
    "model you pick, beside the value Keras itself computed. The last one tests a claim of the tutorial.",
)
english(
    "learn.float32_note",
    "This model computes in {dtype} for speed (about three significant digits). Here Keras runs the "
    "same weights in float32, so that the formula and Keras can agree to 0.0001.",
)
english("learn.pick_image", "Pick or upload an image first.")
english("learn.section", "Formula")
english("learn.section.conv", "1 · Convolution")
english("learn.section.pool", "2 · Max pooling")
english("learn.section.loss", "3 · Cross-entropy")
english("learn.section.step", "4 · Gradient descent")
english("learn.section.probe", "5 · Shift, turn, resize")
english("learn.true_label", "True class: **{label}**")
english("learn.true_class", "What does the image really show?")
english("learn.true_class_placeholder", "Choose its true class")
english("learn.true_class_needed", "Say what your image shows: the loss and the probe need its true class.")
english("learn.formula_value", "Formula")
english("learn.keras_value", "Keras ({layer})")
english("learn.difference", "Difference")
english("learn.agree", "The formula and Keras agree to 0.0001.")
english("learn.disagree", "The formula and Keras differ by {difference:.2g}.")
english("learn.padding", "Part of the kernel hangs over the edge: padding 'same' puts zeros there.")
english("learn.no_conv", "This model has no convolution layer (Conv2D).")
english("learn.no_pool", "This model has no max-pooling layer.")
# 1. convolution
english(
    "learn.conv.doc",
    "The tutorial's formula (§3.3.1): the output at (i, j) is the sum of the inputs under the kernel, "
    "each multiplied by the kernel's weight at that place.",
)
english("learn.channels", "The {count} channels of {layer}, one map per filter: click one to choose it.")
english("learn.conv.layer", "Convolution layer")
english("learn.conv.channel", "Output channel c (one filter)")
english("learn.conv.detail", "Input channel shown in detail")
english(
    "learn.conv.click",
    "Click a cell of the feature map (right) to choose the output position (i, j); the patch under "
    "the kernel is outlined on the input (left).",
)
english("learn.conv.input_image", "Input x: the 32×32 image (red, green, blue)")
english("learn.conv.input_map", "Input x: the output of {source}, channel {channel} of {channels}")
english("learn.conv.output_map", "Output y: {layer}, channel {channel}, {rows}×{cols}; chosen (i, j) = ({i}, {j})")
english(
    "learn.conv.covers_fused",
    "In **{layer}** Keras adds the bias b and applies the activation **{activation}** inside the "
    "layer itself, so the formula below gives the layer's output.",
)
english(
    "learn.conv.covers_split",
    "**{layer}** is followed by {stages} as separate layers. The sum below is {layer}'s own output, "
    "before them: the number Keras gives for {layer}. The layers after it are worked out further down.",
)
english(
    "learn.conv.real", "With several input channels, a stride s, a bias b and an activation f, as Keras computes it:"
)
english("learn.conv.numbers", "The numbers for (i, j, c) = ({i}, {j}, {c})")
english("learn.conv.slice", "Input channel {channel}: the patch x, the kernel k, and their products")
english(
    "learn.conv.channels_add",
    "Each of the {count} input channels gives its own sum S of P×Q products; the channel sums add "
    "up to the total. (The tutorial's formula has a single channel: just one S.)",
)
english("learn.conv.channel_sums", "The {count} channel sums S")
english(
    "learn.stage.bn",
    "Batch normalisation **{layer}**, with the running mean μ and variance σ² it learned in training, "
    "and its weights γ and β:",
)
english("learn.stage.act", "Activation **{layer}**:")
# 2. pooling
english("learn.pool.doc", "The tutorial's formula (§3.3.2): the output is the largest input in the small window N.")
english("learn.pool.layer", "Pooling layer")
english("learn.pool.channel", "Channel c")
english(
    "learn.pool.click", "Click a cell of the pooled map (right); its window N is outlined on the map below it (left)."
)
english("learn.image_word", "image")
english("learn.pool.input", "Input x: the output of {source}, channel {channel}")
english("learn.pool.output", "Output y: {layer}, channel {channel}; chosen (i, j) = ({i}, {j})")
english(
    "learn.pool.window",
    "The window N: rows {rows}, columns {cols} of the input, as the layer computes it; the maximum is boxed.",
)
# 3. cross-entropy
english(
    "learn.loss.doc",
    "The tutorial writes the cross-entropy for a yes/no label y and a predicted probability ŷ (§3.3.3):",
)
english(
    "learn.loss.onehot",
    "With {count} classes the label is one-hot: y = 1 for the true class and 0 for the others, so of "
    "the sum over classes only the true class's term is left. This is Keras's sparse categorical "
    "cross-entropy, the loss this network trains with:",
)
english("learn.loss.softmax", "The last layer turns its inputs z (the logits) into probabilities with the softmax:")
english("learn.loss.no_logits", "This model's last layer does not show its inputs; the probabilities are Keras's own.")
english("learn.col.class", "Class")
english("learn.col.logit", "z (logit)")
english("learn.col.p", "p (formula)")
english("learn.col.keras_p", "p (Keras)")
english("learn.col.true", "True class")
english("learn.col.p_true", "p(true class)")
english("learn.col.loss", "−log p")
english("learn.loss.one", "For this image (true class {label}):")
english("learn.keras_loss", "Keras (sparse_categorical_crossentropy)")
english("learn.loss.batch", "A batch of {count} test images")
english(
    "learn.loss.batch_caption",
    "The same {count} test images every time. The loss of a batch is the mean of its images' losses; "
    "Keras's model.evaluate on those images gives the same number.",
)
english("learn.evaluate", "Keras (model.evaluate)")
english("learn.loss.no_batch", "The batch needs the test images of the model's data set.")
english("learn.loss.shape", "The shape of −log p")
english(
    "learn.loss.shape_caption",
    "Move p, the probability given to the true class: near 1 the loss is almost 0; as p falls toward 0 "
    "the loss grows without bound, so a confident mistake costs far more than an unsure one.",
)
english("learn.loss.p", "p(true class)")
english("learn.loss.slider_mark", "slider")
english("learn.loss.image_mark", "this image")
# 4. gradient descent
english(
    "learn.step.doc",
    "Gradient descent (§3.3.4) moves every weight θ a little against its gradient, by the learning rate α:",
)
english("learn.step.rate", "Learning rate α")
english("learn.step.variable", "Weights to watch")
english("learn.step.seed", "Which batch (seed)")
english("learn.step.which", "Which of its {count:,} numbers to watch")
english("learn.step.which_auto", "the one with the largest gradient")
english(
    "learn.step.caption",
    "J(θ) is the mean cross-entropy of {count} fixed training images. The steps change a copy of the "
    "model kept for this browser tab only; the saved model stays as it is. Try a large α (1 or more) to see "
    "what too large a step does.",
)
english("learn.step.one", "Take one step")
english("learn.step.ten", "Take 10 steps")
english("learn.step.reset", "Start again from the model")
english(
    "learn.step.none",
    "Press *Take one step*: the gradient is computed with tf.GradientTape and every weight moves once.",
)
english("learn.step.weight", "The weight {variable}[{index}], in this step:")
english("learn.step.keras", "Keras (SGD.apply_gradients)")
english(
    "learn.step.keras_check",
    "keras.optimizers.SGD(α) applied to the same gradients on the copy moves every weight to the same "
    "place: the largest difference over all weights is {difference:.1e}.",
)
english("learn.step.loss_before", "Batch loss before the step")
english("learn.step.loss_after", "Batch loss after the step")
english(
    "learn.step.blowup",
    "The loss went up: α = {rate:g} is too large. The step jumps past the bottom of the valley of J, "
    "and each further step makes it worse. Pick a smaller α, or start again.",
)
english("learn.step.nan", "The loss is no longer a number: the weights overflowed. Start again from the model.")
english("learn.step.curve", "The batch loss, step by step")
english("learn.step.col.step", "Step")
english("learn.step.col.loss", "Batch loss J")
english("learn.step.no_data", "Gradient descent needs the training images of the model's data set.")
# 5. the invariance probe
english(
    "learn.probe.doc",
    "The tutorial says (§2.3, and again in its FAQ) that a CNN is robust to rotation, translation and "
    "change of scale. Check it on your model: the image is shifted, turned and resized step by step, "
    "and every version goes through the model.",
)
english("learn.probe.compare", "Compare with a second model")
english("learn.probe.other_classes", "The second model knows other classes; it cannot be compared on this image.")
english(
    "learn.probe.what",
    "Each point is one version of the image, drawn above the chart. The line is the probability the "
    "model gives the true class ({label}); the word at each point is the class it predicts, and a "
    "cross marks a version it gets wrong. What comes in from beyond the edge is the picture mirrored.",
)
english("learn.probe.sweep.shift", "Shift")
english("learn.probe.sweep.rotate", "Rotation")
english("learn.probe.sweep.scale", "Scale")
english("learn.probe.axis.shift", "pixels to the right")
english("learn.probe.axis.rotate", "degrees, counter-clockwise")
english("learn.probe.axis.scale", "size (×)")
english("learn.probe.p_true", "p(true class)")
english("learn.probe.predicted", "predicted")
english(
    "learn.probe.kept",
    "{model}: the true class in {kept} of {count} versions; its probability from {low:.0%} to {high:.0%}.",
)


# --- Learning over time (ui/timeline.py) and clickable results charts (issue 10, part B) ---------
english("timeline.tab", "Over the epochs")
english("timeline.title", "Learning over time")
english(
    "timeline.intro",
    "The first layer's filters and what each convolution makes of one fixed test image, recorded "
    "during training: {count} snapshots, from random initialisation to epoch {last}. Drag the slider "
    "or press Play.",
)
english(
    "timeline.none",
    "No snapshots over the epochs for this model: only runs trained in this version of the app "
    "record them (the built-in model and uploaded files have none).",
)
english(
    "timeline.builtin",
    "Pick one of the runs above to replay how its filters and feature maps grew, epoch by epoch; "
    "the built-in model and uploaded files have no such record.",
)
english("timeline.play", "Play")
english("timeline.pause", "Pause")
english("timeline.epoch", "Epoch")
english("timeline.initial", "0 · random initialisation")
english("timeline.after", "after epoch {epoch}")
english(
    "timeline.initial_note",
    "**0 · random initialisation**: the weights as Keras drew them, before any training. The filters "
    "are noise; the maps are what noise makes of the picture.",
)
english("timeline.train_accuracy", "training accuracy {value:.1%}")
english("timeline.val_accuracy", "validation accuracy {value:.1%}")
english("timeline.probe", "The fixed test image")
english("timeline.filters", "**First-layer filters** ({count}, {size}×{size}, each scaled to its own range)")
english("timeline.layer", "Feature maps of")
english("timeline.maps", "{layer}: {count} maps of {size} (after the activation)")
english("timeline.change", "How far the filters moved from their start (‖W − W₀‖ / ‖W₀‖)")
english_plural(
    "results.cell_hover",
    "true {true}, predicted {predicted}: {count} image (click to see it)",
    "true {true}, predicted {predicted}: {count} images (click to see them)",
    count="count",
)
english(
    "results.click_hint",
    "Click a cell of the confusion matrix to see its test images, or a bar to see that class's mistakes.",
)
english_plural(
    "results.cell_right",
    "{name} recognised as {name}: {count} image",
    "{name} recognised as {name}: {count} images, the surest first",
    count="count",
)
english_plural(
    "results.cell_wrong",
    "{true} taken for {predicted}: {count} image",
    "{true} taken for {predicted}: {count} images, the surest first",
    count="count",
)
english_plural(
    "results.class_mistakes",
    "Mistakes on {name}: {count} image",
    "Mistakes on {name}: {count} images, the surest first",
    count="count",
)
english("results.gallery_first", "The first {shown} of {total}.")
english("results.show_all_mistakes", "Back to the surest mistakes")
english("results.cell_empty", "No test image falls in this cell.")
english("runs.click_row", "Click a row to open that run's results below.")
english("timeline.unreadable", "The snapshot of epoch {epoch} could not be read.")

# --- schedules, early stopping and TensorBoard (classifier/training/schedules.py) -------------------------
english("schedule.step", "step")
english("schedule.plateau", "on plateau")
english("train.lr_drop_factor", "Drop factor")
english(
    "train.lr_drop_factor_help", "Step and plateau schedules: at each drop the learning rate is multiplied by this."
)
english("train.lr_drop_every", "Drop every (epochs)")
english("train.lr_patience", "Plateau patience (epochs)")
english(
    "train.lr_patience_help",
    "On plateau: lower the rate once the watched metric has not improved for this many epochs "
    "(Keras's ReduceLROnPlateau).",
)
english("train.early_stopping", "Early stopping patience (epochs, 0 = off)")
english(
    "train.early_stopping_help",
    "Stop training once the watched metric has not improved for this many epochs (Keras's EarlyStopping).",
)
english("train.monitor", "Watched metric")
english(
    "train.monitor_help",
    "What early stopping, the best weights and the plateau schedule judge by. Validation loss is "
    "the usual choice: training numbers keep improving while the network memorises.",
)
english("train.restore_best", "Keep the best epoch's weights")
english(
    "train.restore_best_help",
    "At the end, put back the weights of the epoch with the best watched metric instead of the "
    "last epoch's (Keras's restore_best_weights).",
)
english("monitor.val_loss", "validation loss")
english("monitor.val_accuracy", "validation accuracy")
english("monitor.loss", "training loss")
english("monitor.accuracy", "training accuracy")
english("config.off", "off")
english("chart.learning_rate", "learning rate")
english("chart.rate_drop", "rate ↓")
english("chart.stopped", "early stop")
english("chart.kept", "weights kept (epoch {epoch})")
english("runs.tensorboard", "Open in TensorBoard")
english(
    "runs.tensorboard_intro",
    "Every run also writes TensorBoard scalars to `runs/<id>/tensorboard`: loss, accuracy and the "
    "learning rate, per epoch and about 20 times per epoch. On the machine that runs this app, start "
    "TensorBoard beside it and open http://localhost:6006. It shows every run in the folder, private "
    "ones included, so it is for whoever runs the server.",
)
english("runs.tensorboard_run", "This run alone in TensorBoard:")

# --- Lessons (ui/lessons.py, the Train page), the Class page (pages/class_.py), classifier.teach.lessons ----
english("nav.class", "Class")
english("train.train_fraction", "Share of the training images")
# A student's lesson panel on the Train page
english("lesson.heading", "Lesson: {title}")
english("lesson.untitled", "Your teacher's lesson")
english("lesson.locked_shown", "The settings your teacher fixed are greyed out.")
english("lesson.locked_hidden", "Only the settings you may change are shown; your teacher fixed the rest.")
english("lesson.class_code_note", "Your run joins class {code}: your teacher and classmates see it on the Class page.")
english("lesson.student", "Your name, as the class will see it")
english(
    "lesson.student_help",
    'Optional. Letters, digits, spaces and - . \' · only. Without a name you are "Student 1", "Student 2", …',
)
english("lesson.reset", "Back to the lesson's settings")
english("lesson.leave", "Leave the lesson")
english("lesson.cannot_open", "This lesson link cannot be opened: {reason}")
english("lesson.pooling_on", "with pooling")
english("lesson.pooling_off", "no pooling")
# The teacher's panel on the Train page
english("teach.title", "Make a lesson of these settings (for teachers)")
english(
    "teach.intro",
    "Students who open the link get exactly these settings, in the language you are using now. "
    "Choose what they may change; everything else is locked.",
)
english("teach.fix_first", "Fix the settings above first: a lesson starts from settings that work.")
english("teach.free", "Students may change")
english("teach.free_help", "Everything not listed here is locked to its value above.")
english("teach.choices", "Students choose {field} among")
english("teach.choices_help", "Leave empty for no choice. The value set above is always one of the choices.")
english("teach.locked", "Locked settings")
english("teach.locked_shown", "shown, greyed out")
english("teach.locked_hidden", "hidden")
english("teach.lesson_title", "Title")
english("teach.task", "The task (one paragraph, any language)")
english("teach.task_help", "What students should do and look for. It travels inside the link.")
english("teach.code", "Class code")
english(
    "teach.code_help",
    "Groups the students' runs on the Class page; only people with the code (or the link) see them. "
    "4 to 16 letters and digits.",
)
english("teach.make", "Make the link")
english("teach.failed", "No link: {reason}")
english("teach.ready", "The lesson's link ({length} characters): copy it into the class chat.")
english("teach.follow", "Follow the class on the Class page")
# The Class page
english("class.title", "Class: everyone's runs of a lesson")
english(
    "class.intro",
    "Type the class code (or paste the lesson link) to follow every student's run of the lesson "
    "live: status, epoch, test accuracy, a leaderboard and all curves together.",
)
english("class.input", "Class code or lesson link")
english("class.input_help", "The code the lesson link carries (e.g. K7QM2X); a link made without a code works too.")
english("class.empty", "No runs in this class yet. They appear here as soon as students press Start in the lesson.")
english("class.lesson", "Lesson")
english("class.students", "Students")
english("class.training", "Training now")
english("class.finished", "Finished")
english("class.best", "Best test accuracy")
english("class.leaderboard", "Leaderboard")
english("class.col.rank", "#")
english("class.col.student", "Student")
english("class.col.status", "Status")
english("class.col.epoch", "Epoch")
english("class.col.now", "Test accuracy now")
english("class.col.final", "Final test accuracy")
english("class.waiting", "Waiting for the first batches: the curves appear here as the students' runs train.")
english("class.col.now_help", "The test accuracy after the latest finished epoch; — until the first epoch is tested.")
english("class.col.final_help", "The test accuracy at the end of the run; — while it still trains.")
english("class.col.time", "Time")
english("class.col.queue", "Queue")
english("rehearse.title", "Rehearse a lesson before class")
english(
    "rehearse.intro",
    "How many trainings will the class need on this server, and how long will the last student wait? "
    "Students who pick exactly the same settings share one training.",
)
english("rehearse.lesson", "Lesson")
english("rehearse.own_link", "A lesson link of my own…")
english("rehearse.link", "Lesson link")
english("rehearse.students", "Students")
english("rehearse.choice_field", "{field}: students choose one of {count} values.")
english("rehearse.free_field", "{field}: how many different values will the class try?")
english("rehearse.trainings", "Trainings (expected)")
english("rehearse.trainings_help", "Students picking at random among {combinations} combinations; at most {most}.")
english("rehearse.last_wait", "Last student waits")
english("rehearse.last_end", "Their training ends after {end}.")
english("rehearse.unshared", "Without sharing, the last waits")
english_plural(
    "rehearse.summary",
    "{students} students need at most {most} training; this server trains {slots} at a time, {run} each (measured here): the class is done after {end}.",
    "{students} students need at most {most} trainings; this server trains {slots} at a time, {run} each (measured here): the class is done after {end}.",
    count="most",
)
english("rehearse.measuring", "Measuring how long one training takes on this server…")
english("rehearse.unknown", "The run time is measured when nothing trains (or cannot be known for this data set).")
english("class.col.shared", "Shared by")
english("class.trainings", "Trainings")
english(
    "class.trainings_help",
    "Students who asked for exactly the same settings share one training: this many are really trained.",
)
english("class.curves", "Everyone's curves")
english(
    "class.curves_caption",
    "One colour per student: the thin line is training accuracy as it grows, the line with dots "
    "the test accuracy after each epoch.",
)
english("class.test", "test")
english("class.inside_links", "Look inside a student's network (read-only)")
english("class.anonymous", "Student {n}")
english("class.read_only", 'Read-only: {student}\'s run in the lesson "{lesson}".')
english("class.no_checkpoint", "This run has no finished epoch yet, so there is no network to look at.")
english("class.back", "Back to the class")
english("class.give", "Give a built-in lesson")
english(
    "class.give_intro",
    "Six lessons drawn from the course document. Copy the link into the class chat; it opens the "
    "Train page set up for the lesson, in the language you use now. To make your own, set up the Train "
    'page and open "Make a lesson of these settings" there.',
)
english("class.give_pick", "Lesson")
english("class.give_free", "Students may change: {fields}")
english("class.give_code", "Class code")
english("class.give_follow", "Follow this class here")
english(
    "class.privacy",
    "A student's run is seen here only by those who have the class code or the lesson link; "
    "everywhere else it stays private to the student, unless they share it.",
)
# Runs page
english("runs.col.lesson", "Lesson")
english("runs.lesson", "From the lesson: {lesson}")
english("runs.lesson_help", "Started from a lesson link: its class sees this run on the Class page.")

# --- Text alternatives of charts and pictures (ui/alt_text.py) ----------------------------------
english("alt.curves.none", "No epoch has finished yet: the curves' summary appears after the first epoch.")
english("alt.curves.of", "{done} of {total}")
english_plural(
    "alt.curves.loss",
    "Loss from {first:.2f} to {last:.2f} over {epochs} epoch",
    "Loss from {first:.2f} to {last:.2f} over {epochs} epochs",
    count="epochs",
)
english("alt.curves.best_validation", "best validation accuracy {accuracy:.1%} at epoch {epoch}")
english("alt.curves.best_training", "best training accuracy {accuracy:.1%} at epoch {epoch}")
english("alt.curves.sentence", "{loss}; {best}.")
english("alt.curves.sentence_loss_only", "{loss}.")
english("alt.as_table", "The chart's numbers as a table")
english("alt.col.loss", "Training loss")
english("alt.col.accuracy", "Training accuracy")
english("alt.confusion.empty", "No test images were classified.")
english("alt.confusion.right", "{right:,} of {total:,} test images classified correctly ({share:.1%})")
english_plural(
    "alt.confusion.pair",
    "the most frequent mistake: {true} taken for {predicted} ({count:,} time)",
    "the most frequent mistake: {true} taken for {predicted} ({count:,} times)",
    count="count",
)
english("alt.confusion.sentence", "{overall}; {pair}.")
english("alt.confusion.sentence_perfect", "{overall}: no mistakes.")
english("alt.confusion.true_column", "True class ↓ / predicted →")
english("alt.per_class", "Best recognised: {best} ({high:.0%} right); worst: {worst} ({low:.0%}).")
english("alt.confusion.pick", "Show the test images of one cell (true → predicted)")
english("alt.confusion.pick_none", "The most confident mistakes")
english("alt.confusion.cell", "{true} → {predicted}: {count:,}")
english("alt.place.top_left", "the top left")
english("alt.place.top_centre", "the top")
english("alt.place.top_right", "the top right")
english("alt.place.middle_left", "the left")
english("alt.place.centre", "the centre")
english("alt.place.middle_right", "the right")
english("alt.place.bottom_left", "the bottom left")
english("alt.place.bottom_centre", "the bottom")
english("alt.place.bottom_right", "the bottom right")
english(
    "alt.gradcam",
    "Grad-CAM heat map on the input for {label}: the network looked most at {place}; "
    "{share:.0%} of the image is warm (red or yellow).",
)
english("alt.input", "The 32×32 image the network sees, enlarged.")
english(
    "alt.filters",
    "The {count} filters of layer {layer}, {size}×{size} each, {kind}, in a grid: "
    "bright where a weight is large, dark where it is negative.",
)
english("alt.colour", "in colour (their three input channels)")
english("alt.grey", "in grey (their first input channel)")
english(
    "alt.maps",
    "The {count} feature maps of layer {layer}, {size} each, 16 to a row: bright where the channel "
    "responds. Strongest on average: channels {strongest}; {silent} stay dark everywhere.",
)
english("alt.occlusion", "Occlusion map on the input for {label}: covering {place} lowers the probability most.")
english("alt.qr", "QR code of the phone link written beside it.")
english(
    "alt.timeline_filters",
    "The first convolution's {count} filters after epoch {epoch}, {size}×{size} each, in a grid.",
)
english("learn.cell_row", "Row i (or click the map)")
english("learn.cell_col", "Column j (or click the map)")
english("alt.photo", "Your photo {name}.")
english("alt.photo_seen", "{name} as the network sees it: 32×32 pixels, enlarged.")
english("alt.samples", "{count} training images of the class {name}, side by side.")
english("alt.mistake", "A test image: {true}, taken for {predicted} ({confidence:.0%} sure).")
