"""The one translation table: every string a user reads, in English and Simplified Chinese.

The language is chosen in the sidebar and kept in the URL (`?lang=zh`), so a teacher can
hand out a link in either language.
"""

from __future__ import annotations

import functools

import streamlit as st

from classifier.messages import Message, as_message, render
from ui.text import Markdown, markdown_value, shown

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"
# What <html lang> says for each language (BCP 47), for screen readers and the browser's translator.
HTML_LANG = {"en": "en", "zh": "zh-CN"}

TEXT: dict[str, dict[str, str]] = {
    # Navigation and language
    "nav.home": {"en": "Home", "zh": "首页"},
    "nav.train": {"en": "Train", "zh": "训练"},
    "nav.inside": {"en": "Inside the network", "zh": "网络内部"},
    "nav.predict": {"en": "Predict", "zh": "预测"},
    "nav.runs": {"en": "Runs", "zh": "训练记录"},
    "language": {"en": "Language", "zh": "语言"},
    # Home
    "home.title": {"en": "CNN Classroom", "zh": "卷积神经网络课堂"},
    "home.intro": {
        "en": "Train a convolutional neural network on **CIFAR-10** (60,000 small photos in ten classes) "
        "right in your browser, watch it learn, then look inside: the filters it learned, what each "
        "layer sees, and where it looks when it decides. Finally, show it your own photos.",
        "zh": "在浏览器里用 **CIFAR-10**（十个类别、六万张小图片）训练一个卷积神经网络，实时观察它如何学习，"
        "再走进网络内部：看它学到的卷积核、每一层看到的特征，以及它做判断时关注的位置。最后，用你自己的照片考考它。",
    },
    "home.network": {"en": "The seed network", "zh": "基础网络"},
    "home.input": {"en": "Input image", "zh": "输入图像"},
    "home.weights": {"en": "weights", "zh": "个参数"},
    "home.network_caption": {
        "en": "Each block is a layer's output: its height is the image size, its width the number of channels. "
        "Convolutions (blue) find patterns, pooling (orange) halves the size, dense layers (green) decide. "
        "{params:,} parameters in all; trained for 10 epochs it reaches about 70% test accuracy.",
        "zh": "每个方块代表一层的输出：高度表示图像尺寸，宽度表示通道数。卷积层（蓝色）寻找图案，池化层（橙色）把尺寸减半，"
        "全连接层（绿色）做出判断。共 {params:,} 个参数；训练 10 轮后测试准确率约 70%。",
    },
    "home.start": {"en": "Where to start", "zh": "从哪里开始"},
    "home.go_train": {"en": "Train a network", "zh": "训练网络"},
    "home.go_inside": {"en": "Look inside", "zh": "查看网络内部"},
    "home.go_predict": {"en": "Try your photos", "zh": "用照片测试"},
    "home.go_runs": {"en": "Compare runs", "zh": "比较训练记录"},
    "home.steps": {
        "en": "1. **Train**: keep the seed settings and press *Start* (or pick the *shapes* data set for a "
        "quick demo).\n2. **Inside the network**: pick your run and see its filters and feature maps.\n"
        "3. **Predict**: drop in any photo. The built-in model works before you train anything.\n"
        "4. **Runs**: change one hyperparameter, train again, and compare the curves.\n"
        "5. **Share with the class**: under a finished run (on Train or in Runs) type the name the class "
        "should see and press *Share with the class*; everyone then finds it in Runs, with that name.",
        "zh": "1. **训练**：保留默认设置并点击“开始”（或选择“形状”数据集快速看到效果）。\n"
        "2. **网络内部**：选择你的训练记录，查看卷积核和特征图。\n"
        "3. **预测**：拖入任意照片。即使还没训练，内置模型也能直接使用。\n"
        "4. **训练记录**：改变一个超参数再训练一次，比较两条曲线。\n"
        "5. **共享给全班**：在训练完成的结果下方（训练页或训练记录页）填写同学们将看到的名字，"
        "点击“共享给全班”；大家就能在训练记录页看到它和你的名字。",
    },
    # Data sets
    "data.cifar10": {"en": "CIFAR-10", "zh": "CIFAR-10"},
    "data.shapes": {"en": "Shapes (built in)", "zh": "形状（内置）"},
    "data.upload": {"en": "My zip", "zh": "上传 zip"},
    "widget.choose": {"en": "Choose options", "zh": "请选择"},
    "widget.upload": {"en": "Upload", "zh": "上传"},
    "widget.upload_limit": {"en": "{size} MB per file", "zh": "每个文件不超过 {size} MB"},
    "data.loading": {"en": "Loading data: {detail}", "zh": "正在加载数据：{detail}"},
    "data.failed": {"en": "The data set could not be loaded: {reason}", "zh": "无法加载数据集：{reason}"},
    "data.use_shapes": {"en": "Use the built-in shapes set instead", "zh": "改用内置的形状数据集"},
    # Presets
    "preset.seed": {"en": "Seed", "zh": "基础"},
    "preset.speed": {"en": "Speed", "zh": "极速"},
    "preset.strong": {"en": "Strong", "zh": "增强"},
    "preset.quick": {"en": "Quick demo", "zh": "快速演示"},
    "preset.seed.help": {
        "en": "Exactly the tutorial's network: about 70% on CIFAR-10 after 10 epochs.",
        "zh": "与教程完全相同的网络：在 CIFAR-10 上训练 10 轮约 70% 准确率。",
    },
    "preset.speed.help": {
        "en": "The tutorial's network with batch normalisation, mirrored images and a warm-up + cosine learning rate: about 70% on CIFAR-10 in 3 epochs, a third of the tutorial's time. The test set is measured once, at the end.",
        "zh": "教程的网络加上批归一化、镜像翻转和先预热后余弦下降的学习率：在 CIFAR-10 上 3 轮约 70%，只需教程三分之一的时间。测试集只在最后测一次。",
    },
    "preset.strong.help": {
        "en": "Deeper (two convolutions per block), with batch normalisation, augmentation, a cosine schedule and a mirror-averaged final test: about 86% on CIFAR-10.",
        "zh": "更深的网络（每块两层卷积），加入批归一化、数据增强、余弦学习率，最终测试与镜像取平均：在 CIFAR-10 上约 86%。",
    },
    "preset.quick.help": {
        "en": "The seed network on the built-in shapes: learns in a few epochs.",
        "zh": "在内置形状数据集上训练基础网络：几轮即可学会。",
    },
    # Train page
    "train.title": {"en": "Train a network", "zh": "训练网络"},
    "train.intro": {
        "en": "Choose the data and the hyperparameters, press Start, and watch the curves grow. Training "
        "keeps going if you switch pages.",
        "zh": "选择数据和超参数，点击“开始”，观察曲线变化。切换页面时训练不会中断。",
    },
    "train.preset": {"en": "Preset", "zh": "预设"},
    "train.dataset": {"en": "Data set", "zh": "数据集"},
    "train.upload_zip": {"en": "Zip of class folders", "zh": "按类别分文件夹的 zip 文件"},
    "train.upload_help": {
        "en": "One folder per class (cat/, dog/, …), optionally inside train/ and test/. Any image format.",
        "zh": "每个类别一个文件夹（cat/、dog/……），可放在 train/ 和 test/ 之下。支持常见图片格式。",
    },
    "train.no_upload": {
        "en": "dataset: upload a zip of class folders first",
        "zh": "dataset：请先上传按类别分文件夹的 zip",
    },
    "train.limit": {"en": "Images per split (0 = all)", "zh": "每个划分使用的图片数（0 = 全部）"},
    "train.limit_help": {
        "en": "Use only the first N training and N test images, balanced over classes, for quick runs.",
        "zh": "只使用前 N 张训练图片和 N 张测试图片（各类别均衡），用于快速实验。",
    },
    "train.network": {"en": "Network", "zh": "网络结构"},
    "train.blocks": {"en": "Convolution blocks", "zh": "卷积块数量"},
    "train.block_filters": {"en": "Block {block}: filters", "zh": "第 {block} 块：卷积核数量"},
    "train.block_pool": {"en": "2×2 max pooling after", "zh": "之后做 2×2 最大池化"},
    "train.conv_filters": {"en": "Filters per block", "zh": "每个卷积块的卷积核数量"},
    "train.pool_after": {"en": "Pooling after each block", "zh": "每个卷积块之后的池化"},
    "train.kernel_size": {"en": "Kernel size", "zh": "卷积核大小"},
    "train.convs_per_block": {"en": "Convolutions per block", "zh": "每块的卷积层数"},
    "train.padding": {"en": "Padding", "zh": "填充方式"},
    "train.activation": {"en": "Activation", "zh": "激活函数"},
    "train.batch_norm": {"en": "Batch normalisation", "zh": "批归一化"},
    "train.head": {"en": "Before the dense layers", "zh": "全连接层之前"},
    "train.dense_units": {"en": "Hidden dense units (0 = none)", "zh": "隐藏全连接单元数（0 = 不用）"},
    "train.dropout": {"en": "Dropout", "zh": "Dropout 比例"},
    "train.training": {"en": "Training", "zh": "训练设置"},
    "train.optimizer": {"en": "Optimizer", "zh": "优化器"},
    "train.learning_rate": {"en": "Learning rate", "zh": "学习率"},
    "train.batch_size": {"en": "Batch size", "zh": "批大小"},
    "train.epochs": {"en": "Epochs", "zh": "训练轮数"},
    "train.lr_schedule": {"en": "Learning-rate schedule", "zh": "学习率调度"},
    "train.warmup_epochs": {"en": "Warm-up epochs", "zh": "预热轮数"},
    "train.momentum": {"en": "Momentum (SGD)", "zh": "动量（SGD）"},
    "train.weight_decay": {"en": "Weight decay", "zh": "权重衰减"},
    "train.label_smoothing": {"en": "Label smoothing", "zh": "标签平滑"},
    "train.label_smoothing_help": {
        "en": "Train towards 1 − ε on the right class and ε shared out over all classes, instead of 1 and 0: "
        "the network grows less over-confident. 0 = off, as in the seed program. The losses shown include it.",
        "zh": "训练目标不再是正确类别为 1、其他类别为 0，而是正确类别 1 − ε、ε 平均分给所有类别：网络不会过于自信。"
        "0 = 不用（与原文程序相同）。显示的损失包含这一项。",
    },
    "train.augmentation": {"en": "Data augmentation", "zh": "数据增强"},
    "train.validation": {"en": "Validation data", "zh": "验证数据"},
    "train.holdout_fraction": {"en": "Held-out share", "zh": "留出比例"},
    "train.random_seed": {"en": "Random seed", "zh": "随机种子"},
    "train.precision": {"en": "Arithmetic", "zh": "计算精度"},
    "train.precision_help": {
        "en": "bfloat16 keeps 8 bits of each number's mantissa instead of 23: about 1.4x faster on CPUs that do it in hardware, with the same accuracy. Weights, probabilities and the loss stay float32. Auto uses it where the CPU supports it.",
        "zh": "bfloat16 每个数只保留 8 位尾数（float32 为 23 位）：在硬件支持的 CPU 上约快 1.4 倍，准确率不变。权重、概率和损失仍用 float32。“自动”在 CPU 支持时使用它。",
    },
    "train.tta": {"en": "Final test", "zh": "最终测试"},
    "train.tta_help": {
        "en": "How the test images are shown to the trained network once training ends. Mirror averaging shows each image and its left-right mirror and averages the two guesses: about twice the test time (a few seconds), usually a little more accuracy.",
        "zh": "训练结束后如何把测试图片交给网络。镜像平均：每张图片和它的左右镜像各看一次，取两次判断的平均。测试时间约为两倍（几秒钟），准确率通常略高。",
    },
    "train.preview_title": {"en": "Sample images", "zh": "样本图片"},
    "train.preview": {
        "en": "{name}: {train:,} training and {test:,} test images.",
        "zh": "{name}：{train:,} 张训练图片，{test:,} 张测试图片。",
    },
    "train.start": {"en": "Start training", "zh": "开始训练"},
    "train.start_failed": {"en": "Could not start: {reason}", "zh": "无法开始：{reason}"},
    "train.stop": {"en": "Stop", "zh": "停止"},
    "train.cancel": {"en": "Leave the queue", "zh": "退出排队"},
    "train.queued": {
        "en": "Waiting for a free training slot: you are number {position} in the queue.",
        "zh": "正在等待空闲的训练位置：你排在第 {position} 位。",
    },
    "train.starting": {"en": "Starting… ({phase})", "zh": "正在启动…（{phase}）"},
    "train.starting_plain": {"en": "Starting…", "zh": "正在启动…"},
    "queue.expected": {
        "en": "Expected to start in about {start} and to finish in about {end} (around {at}), from the epoch time "
        "measured on this server.",
        "zh": "预计约 {start} 后开始，约 {end} 后结束（{at} 左右），依据本服务器实测的每轮用时。",
    },
    "queue.expected_unknown": {
        "en": "The expected start appears once this server has measured how long an epoch of this network takes.",
        "zh": "本服务器测出这个网络每轮的用时后，这里会显示预计开始时间。",
    },
    "queue.cell": {
        "en": "#{position} · starts in {start} · ends in {end}",
        "zh": "第 {position} 位 · {start} 后开始 · {end} 后结束",
    },
    "queue.cell_unknown": {"en": "#{position}", "zh": "第 {position} 位"},
    "share.note": {
        "en": "Shared training: {students} student(s) of this lesson asked for exactly these settings, so it is "
        "trained once for all of them.",
        "zh": "共享训练：本课有 {students} 位同学选择了完全相同的设置，所以只为大家训练一次。",
    },
    "share.help": {
        "en": "Same network, data, hyperparameters, seed, precision and code: the very training you asked for. "
        "Stop leaves it (your run keeps what was trained so far); it stops only when everyone has left.",
        "zh": "网络、数据、超参数、随机种子、精度和代码都相同：正是你要的那次训练。点击“停止”会退出共享"
        "（你的记录保留到那时为止的结果）；只有所有人都退出后训练才会停止。",
    },
    "train.progress": {
        "en": "Epoch {epoch} of {epochs}: batch {step} of {steps}",
        "zh": "第 {epoch}/{epochs} 轮：第 {step}/{steps} 批",
    },
    "train.epoch": {"en": "Epoch", "zh": "轮次"},
    "train.speed": {"en": "Images / s", "zh": "图片/秒"},
    "train.eta": {"en": "Time left", "zh": "剩余时间"},
    "train.elapsed": {"en": "Elapsed", "zh": "已用时间"},
    "train.finished": {"en": "Training finished.", "zh": "训练完成。"},
    "train.stopped": {
        "en": "Training was stopped; results are from the last weights.",
        "zh": "训练已停止；以下结果来自最后的权重。",
    },
    "train.failed": {"en": "Training failed: {reason}", "zh": "训练失败：{reason}"},
    "train.interrupted": {"en": "Training was interrupted: {reason}", "zh": "训练被中断：{reason}"},
    "padding.valid": {"en": "valid (shrinks)", "zh": "valid（尺寸缩小）"},
    "padding.same": {"en": "same (keeps size)", "zh": "same（尺寸不变）"},
    "head.flatten": {"en": "Flatten", "zh": "展平"},
    "head.global_average": {"en": "Global average pooling", "zh": "全局平均池化"},
    "precision.auto": {"en": "auto", "zh": "自动"},
    "precision.float32": {"en": "float32", "zh": "float32"},
    "precision.bfloat16": {"en": "bfloat16 (mixed)", "zh": "bfloat16（混合精度）"},
    "schedule.constant": {"en": "constant", "zh": "固定"},
    "schedule.cosine": {"en": "cosine", "zh": "余弦衰减"},
    "augment.flip": {"en": "mirror left-right", "zh": "左右翻转"},
    "augment.shift": {"en": "shift ±4 px", "zh": "平移 ±4 像素"},
    "augment.crop": {"en": "random crop & zoom", "zh": "随机裁剪缩放"},
    "validation.test": {"en": "test split (as the tutorial)", "zh": "测试集（与教程相同）"},
    "validation.holdout": {"en": "held out from training", "zh": "从训练集中留出"},
    "validation.none": {"en": "none", "zh": "不验证"},
    "tta.none": {"en": "each image as it is", "zh": "原图"},
    "tta.flip": {"en": "averaged with its mirror", "zh": "与镜像取平均"},
    # Architecture summary
    "summary.title": {"en": "The network you are building", "zh": "你正在搭建的网络"},
    "summary.layer": {"en": "Layer", "zh": "层"},
    "summary.kind": {"en": "Type", "zh": "类型"},
    "summary.shape": {"en": "Output shape", "zh": "输出形状"},
    "summary.params": {"en": "Parameters", "zh": "参数数量"},
    "summary.total_params": {"en": "Parameters in all", "zh": "参数总数"},
    "summary.estimate": {"en": "Estimated time per epoch", "zh": "预计每轮耗时"},
    "summary.estimate_help": {
        "en": "Measured on this server: a few training steps of this very network were timed. About {total} for all epochs.",
        "zh": "在本服务器上实测：对这个网络计时了几个训练步。全部轮次约需 {total}。",
    },
    "summary.estimate_measuring": {"en": "measuring…", "zh": "正在测量…"},
    "summary.estimate_line": {"en": "Estimated time per epoch: {value}", "zh": "预计每轮耗时：{value}"},
    "summary.estimate_total": {
        "en": "All {epochs} epochs: about {total} on this server.",
        "zh": "全部 {epochs} 轮：在本服务器上约需 {total}。",
    },
    "summary.estimate_busy": {
        "en": "Measured when no run is training on this server (a measurement now would be slowed by it, and slow it).",
        "zh": "会在服务器上没有训练时测量（现在测量会被正在进行的训练拖慢，也会拖慢它）。",
    },
    # Charts
    "chart.loss": {"en": "Loss", "zh": "损失"},
    "chart.accuracy": {"en": "Accuracy", "zh": "准确率"},
    "chart.val_loss": {"en": "Validation loss", "zh": "验证损失"},
    "chart.val_accuracy": {"en": "Validation accuracy", "zh": "验证准确率"},
    "chart.batches": {"en": "training (recent batches)", "zh": "训练（最近批次）"},
    "chart.train": {"en": "training (epoch)", "zh": "训练（每轮）"},
    "chart.validation": {"en": "validation (epoch)", "zh": "验证（每轮）"},
    "chart.epoch": {"en": "Epoch", "zh": "轮次"},
    "chart.reference": {"en": "seed network ≈ 70%", "zh": "基础网络 ≈ 70%"},
    # Results
    "results.test_accuracy": {"en": "Test accuracy", "zh": "测试准确率"},
    "results.test_loss": {"en": "Test loss", "zh": "测试损失"},
    "results.epochs": {"en": "Epochs trained", "zh": "已训练轮数"},
    "results.download": {"en": "Download the model (.keras)", "zh": "下载模型（.keras）"},
    "results.confusion": {"en": "Confusion matrix", "zh": "混淆矩阵"},
    "results.predicted": {"en": "predicted", "zh": "预测类别"},
    "results.true": {"en": "true", "zh": "真实类别"},
    "results.count": {"en": "images", "zh": "图片数"},
    "results.per_class": {"en": "Accuracy per class", "zh": "各类别准确率"},
    "results.accuracy": {"en": "accuracy", "zh": "准确率"},
    "results.confused_pairs": {"en": "Most often confused:", "zh": "最常混淆："},
    "results.confused_pair": {
        "en": "- **{true}** taken for **{predicted}**: {count} times",
        "zh": "- **{true}** 被认成 **{predicted}**：{count} 次",
    },
    "results.mistakes": {"en": "Its most confident mistakes", "zh": "最有把握却错了的图片"},
    "results.mistake": {
        "en": "{true} → {predicted} ({confidence:.0%})",
        "zh": "{true} → {predicted}（{confidence:.0%}）",
    },
    # Model picking
    "model.pick": {"en": "Model", "zh": "模型"},
    "model.builtin": {"en": "Built-in model (pretrained on CIFAR-10)", "zh": "内置模型（已在 CIFAR-10 上训练）"},
    "model.upload_option": {"en": "Upload a model (.keras)…", "zh": "上传模型（.keras）……"},
    "model.upload": {"en": "A Keras model file", "zh": "Keras 模型文件"},
    "model.upload_help": {
        "en": "Saved with model.save('name.keras'); it must take 32×32 RGB images. Models with Lambda layers are refused.",
        "zh": "用 model.save('name.keras') 保存；输入必须是 32×32 的 RGB 图像。含 Lambda 层的模型会被拒绝。",
    },
    "model.current": {"en": "Current run: {name}", "zh": "本次训练：{name}"},
    "model.unusable": {"en": "This model cannot be used: {reason}", "zh": "无法使用该模型：{reason}"},
    # Inside page
    "inside.title": {"en": "Inside the network", "zh": "网络内部"},
    "inside.intro": {
        "en": "A convolution slides small learned filters over the image; each filter answers one question "
        "(an edge? a colour? a texture?) at every position. Pooling keeps the strongest answers.",
        "zh": "卷积就是用学到的小卷积核在图像上滑动；每个卷积核在每个位置回答一个问题（这里有边缘吗？有某种颜色或纹理吗？）。"
        "池化则保留最强的回答。",
    },
    "inside.filters": {"en": "Filters", "zh": "卷积核"},
    "inside.look": {"en": "One image, layer by layer", "zh": "一张图片，逐层查看"},
    "inside.filter_layer": {"en": "Convolution layer", "zh": "卷积层"},
    "inside.filters_caption": {
        "en": "{count} filters of {size}×{size} pixels, shown {colour}; bright = strong positive weight.",
        "zh": "{count} 个 {size}×{size} 的卷积核，以{colour}显示；越亮表示权重越大。",
    },
    "inside.colour": {"en": "in colour (one weight per red, green and blue)", "zh": "彩色（红、绿、蓝各一组权重）"},
    "inside.gray": {"en": "in gray (averaged over input channels)", "zh": "灰度（对输入通道取平均）"},
    "inside.image_source": {"en": "Image", "zh": "图片"},
    "inside.source.random": {"en": "Random test image", "zh": "随机测试图片"},
    "inside.source.class": {"en": "Of one class", "zh": "指定类别"},
    "inside.source.upload": {"en": "My image", "zh": "我的图片"},
    "inside.upload": {"en": "Upload an image", "zh": "上传图片"},
    "inside.class": {"en": "Class", "zh": "类别"},
    "inside.another": {"en": "Another image", "zh": "换一张"},
    "inside.input": {"en": "What the network sees (32×32)", "zh": "网络看到的图像（32×32）"},
    "inside.input_true": {
        "en": "What the network sees (32×32); true class: {label}",
        "zh": "网络看到的图像（32×32）；真实类别：{label}",
    },
    "inside.guess_right": {
        "en": "True class: {true}. The network's guess is right.",
        "zh": "真实类别：{true}。网络猜对了。",
    },
    "inside.guess_wrong": {
        "en": "True class: {true}. The network guessed {guess}: wrong.",
        "zh": "真实类别：{true}。网络猜的是{guess}：猜错了。",
    },
    "inside.gradcam_class": {"en": "Explain the class", "zh": "要解释的类别"},
    "inside.predicted_class": {"en": "the predicted class", "zh": "预测出的类别"},
    "inside.gradcam_caption": {
        "en": "Where it looked for “{label}” (Grad-CAM)",
        "zh": "判断为“{label}”时关注的位置（Grad-CAM）",
    },
    "inside.cannot_inspect": {
        "en": "This model cannot be looked inside: {reason}",
        "zh": "无法查看该模型的内部：{reason}",
    },
    "inside.maps": {"en": "Feature maps, layer by layer", "zh": "逐层特征图"},
    "inside.maps_caption": {
        "en": "{layer}: {count} maps of {size}; bright = the filter responded strongly there.",
        "zh": "{layer}：{count} 张 {size} 的特征图；越亮表示该卷积核在此处响应越强。",
    },
    # Predict page
    "predict.title": {"en": "Predict", "zh": "预测"},
    "predict.intro": {
        "en": "Drop photos here. The network only knows its classes, and sees each photo shrunk to 32×32 pixels.",
        "zh": "把照片拖到这里。网络只认识它训练过的类别，而且每张照片都会被缩小到 32×32 像素再识别。",
    },
    "predict.top_k": {"en": "Show the top", "zh": "显示前几名"},
    "predict.fit": {"en": "Make it square by", "zh": "变成正方形的方式"},
    "predict.fit.crop": {"en": "cropping the centre", "zh": "裁剪中心"},
    "predict.fit.squash": {"en": "squashing", "zh": "压缩变形"},
    "predict.tta": {"en": "Also look at the mirror image (test-time flip)", "zh": "同时看镜像图片（测试时翻转）"},
    "predict.tta_help": {
        "en": "The model judges the photo and its left-right mirror and averages the two sets of probabilities: usually a little more accurate, at twice the computation. On at first for models whose test accuracy was measured this way (the built-in model).",
        "zh": "模型分别判断照片和它的左右镜像，再把两组概率取平均：通常更准一点，计算量是两倍。对测试准确率就是这样测得的模型（如内置模型）默认打开。",
    },
    "predict.upload": {"en": "Drag and drop images", "zh": "拖放图片"},
    "predict.upload_help": {
        "en": "PNG, JPEG, WebP, GIF, BMP or TIFF; several at once.",
        "zh": "支持 PNG、JPEG、WebP、GIF、BMP、TIFF，可一次多张。",
    },
    "predict.use_camera": {"en": "Use the camera", "zh": "使用摄像头"},
    "predict.camera": {"en": "Take a photo", "zh": "拍照"},
    "predict.camera_photo": {"en": "camera photo", "zh": "摄像头照片"},
    "predict.too_many": {
        "en": "{count} files: only the first {limit} are shown.",
        "zh": "共 {count} 个文件：只显示前 {limit} 个。",
    },
    "predict.empty": {"en": "This model knows: {classes}.", "zh": "该模型认识：{classes}。"},
    "predict.verdict": {
        "en": "**{name}**: {label} ({probability:.0%})",
        "zh": "**{name}**：{label}（{probability:.0%}）",
    },
    "predict.original": {"en": "Your image", "zh": "你的图片"},
    "predict.seen": {"en": "What the model sees", "zh": "模型看到的"},
    "predict.probability": {"en": "probability", "zh": "概率"},
    "predict.unsure": {
        "en": "The model's best guess is weak ({probability:.0%}, while a sure answer is near 100%): the photo may "
        "look unlike the pictures it was trained on, or show none of its classes.",
        "zh": "模型的最佳猜测很弱（只有 {probability:.0%}，有把握时接近 100%）：这张照片可能和它训练时见过的图片差别很大，"
        "也可能根本不属于它认识的任何类别。",
    },
    "predict.bad_file": {"en": "{name}: {reason}", "zh": "{name}：{reason}"},
    "nav.phone": {"en": "On a phone", "zh": "在手机上"},
    "phone.title": {"en": "Predict on this phone", "zh": "在这部手机上预测"},
    "phone.builtin": {
        "en": "The built-in model runs in this phone's browser: photos stay on the phone.",
        "zh": "内置模型在这部手机的浏览器中运行：照片只留在手机上。",
    },
    "phone.run": {
        "en": "A student's own network runs in this phone's browser: photos stay on the phone.",
        "zh": "学生自己训练的网络在这部手机的浏览器中运行：照片只留在手机上。",
    },
    "phone.bad_link": {
        "en": "This phone link does not open any model: it was withdrawn, or mistyped. Ask for a new one.",
        "zh": "这个手机链接打不开任何模型：它已被撤销或输入有误。请重新获取一个。",
    },
    "phone.cannot": {
        "en": "This browser cannot run the network; open the app's Predict page to predict on the server.",
        "zh": "这个浏览器无法运行网络；请打开应用的“预测”页面在服务器上预测。",
    },
    "predict.phone": {"en": "Open it on a phone", "zh": "在手机上打开"},
    "predict.phone_caption": {
        "en": "Scan the code or open the link on a phone (same server, no login): this model then runs in the "
        "phone's browser, with its camera, and the time per image is measured there. Anyone with the link can "
        "use this model, nobody can see the photos.",
        "zh": "用手机扫码或打开链接（同一台服务器，无需登录）：这个模型会在手机浏览器中运行，可以用手机摄像头，"
        "每张图片的用时也在手机上测量。有链接的人都能使用这个模型，但没有人能看到照片。",
    },
    "predict.phone_revoke": {"en": "Withdraw this link", "zh": "撤销这个链接"},
    "predict.phone_revoked": {
        "en": "The old link no longer works; a new one is shown.",
        "zh": "旧链接已失效；下面是新的链接。",
    },
    "predict.flavour": {"en": "Model file in the browser", "zh": "浏览器中的模型文件"},
    "predict.flavour.float32": {"en": "float32 (the server's numbers)", "zh": "float32（与服务器相同的数值）"},
    "predict.flavour.int8": {"en": "int8 (a quarter of the bytes)", "zh": "int8（只有四分之一大小）"},
    "predict.flavour_help": {
        "en": "float32 computes exactly what the server computes. int8 stores weights and activations as 8-bit "
        "integers (calibrated on 300 training images): about 4× smaller to download, and its probabilities "
        "differ from the server's by a few hundredths (the Challenges page measures its accuracy).",
        "zh": "float32 的计算与服务器完全相同。int8 把权重和激活值存成 8 位整数（用 300 张训练图片校准）："
        "下载量约小 4 倍，概率与服务器相差百分之几（“挑战”页面测量了它的准确率）。",
    },
    "predict.preparing": {"en": "Preparing the model for the browser…", "zh": "正在为浏览器准备模型……"},
    "predict.where": {"en": "Where the network runs", "zh": "网络在哪里运行"},
    "predict.where.device": {"en": "on this device", "zh": "在这台设备上"},
    "predict.where.server": {"en": "on the server", "zh": "在服务器上"},
    "predict.where_help": {
        "en": "On this device, your browser decodes each photo, shrinks it to 32×32 and runs the network itself: "
        "the photo is never sent anywhere. On the server, photos are uploaded and the server predicts.",
        "zh": "在这台设备上：浏览器自己解码照片、缩小到 32×32 并运行网络，照片不会被发送到任何地方。"
        "在服务器上：照片会被上传，由服务器预测。",
    },
    "predict.computed_server": {
        "en": "Computed on the server: the photos below were uploaded to it.",
        "zh": "在服务器上计算：下面的照片已上传到服务器。",
    },
    "predict.no_runtime": {
        "en": "On-device prediction is not available on this server: the browser runtime (LiteRT.js, installed by "
        "`make run` with Node.js and npm) is missing. Predictions are computed on the server.",
        "zh": "本服务器无法在设备上预测：缺少浏览器运行时（LiteRT.js，由 `make run` 通过 Node.js 和 npm 安装）。"
        "预测将在服务器上计算。",
    },
    "predict.browser_cannot": {
        "en": "This browser cannot run the network itself ({reason}), so predictions are computed on the server.",
        "zh": "这个浏览器无法自己运行网络（{reason}），因此预测在服务器上计算。",
    },
    "predict.export_failed": {
        "en": "The model could not be prepared for the browser ({reason}), so predictions are computed on the server.",
        "zh": "无法为浏览器准备该模型（{reason}），因此预测在服务器上计算。",
    },
    "predict.upload_model_server": {
        "en": "An uploaded model predicts on the server.",
        "zh": "上传的模型在服务器上预测。",
    },
    "ondevice.drop": {
        "en": "Drop images here, pick several, or take a photo. They stay on this device.",
        "zh": "把图片拖到这里、一次选择多张，或者拍照。图片只留在这台设备上。",
    },
    "ondevice.pick": {"en": "Choose images", "zh": "选择图片"},
    "ondevice.snap": {"en": "Take the photo", "zh": "拍下这张"},
    "ondevice.close_camera": {"en": "Close the camera", "zh": "关闭摄像头"},
    "ondevice.camera_photo": {"en": "camera photo", "zh": "摄像头照片"},
    "ondevice.no_camera": {
        "en": "The camera could not be opened ({reason}); choose images instead.",
        "zh": "无法打开摄像头（{reason}）；请改为选择图片。",
    },
    "ondevice.camera": {"en": "Take a photo", "zh": "拍照"},
    "ondevice.loading": {
        "en": "Loading the network into this browser…",
        "zh": "正在把网络加载到这个浏览器中……",
    },
    "ondevice.ready": {
        "en": "Predictions are computed on this device: your photos are not sent anywhere.",
        "zh": "预测在这台设备上计算：你的照片不会被发送到任何地方。",
    },
    "ondevice.timing": {
        "en": "Median time per image in this browser: {ms} ms ({count} images).",
        "zh": "在这个浏览器中每张图片的时间中位数：{ms} 毫秒（{count} 张）。",
    },
    "ondevice.where": {"en": "Computed on this device in {ms} ms.", "zh": "在这台设备上计算，用时 {ms} 毫秒。"},
    "ondevice.verdict": {"en": "{name}: {label} ({probability:.0%})", "zh": "{name}：{label}（{probability:.0%}）"},
    "ondevice.undecodable": {
        "en": "this browser cannot read it as an image (try PNG or JPEG, or predict on the server)",
        "zh": "这个浏览器无法把它读成图片（请换成 PNG 或 JPEG，或改为在服务器上预测）",
    },
    "ondevice.empty": {"en": "the file is empty", "zh": "文件是空的"},
    "ondevice.too_big": {
        "en": "the file is larger than {limit_mb} MB",
        "zh": "文件超过 {limit_mb} MB",
    },
    "ondevice.too_many_pixels": {
        "en": "the image is {width}×{height} pixels, more than 40 million",
        "zh": "图片有 {width}×{height} 像素，超过 4000 万",
    },
    "ondevice.unavailable": {
        "en": "This browser cannot run the network: {reason}",
        "zh": "这个浏览器无法运行网络：{reason}",
    },
    # Runs page
    "runs.title": {"en": "Runs", "zh": "训练记录"},
    "runs.intro": {
        "en": "Your runs, and those others shared with the class (with their names). Pick several to compare "
        "their curves; share one of yours from its details below.",
        "zh": "你的训练记录，以及同学共享的记录（带共享者的名字）。选择多条即可比较曲线；在下方某条记录的详情里可以把它共享给全班。",
    },
    "runs.none": {"en": "No runs yet.", "zh": "还没有训练记录。"},
    "runs.compare": {"en": "Compare", "zh": "比较"},
    "runs.details": {"en": "Details of", "zh": "查看详情"},
    "runs.no_history": {"en": "None of these runs has finished an epoch yet.", "zh": "这些训练还没有完成任何一轮。"},
    "runs.col.when": {"en": "Started", "zh": "开始时间"},
    "runs.col.status": {"en": "Status", "zh": "状态"},
    "runs.col.dataset": {"en": "Data set", "zh": "数据集"},
    "runs.col.network": {"en": "Filters", "zh": "卷积核"},
    "runs.col.optimizer": {"en": "Optimizer, rate · batch", "zh": "优化器、学习率 · 批大小"},
    "runs.col.precision": {"en": "Arithmetic", "zh": "数值精度"},
    "runs.col.epochs": {"en": "Epochs", "zh": "轮数"},
    "runs.col.best_val": {"en": "Best validation", "zh": "最佳验证准确率"},
    "runs.col.test": {"en": "Test accuracy", "zh": "测试准确率"},
    "runs.took": {"en": "Trained for {duration}.", "zh": "训练用时 {duration}。"},
    "runs.col.owner": {"en": "Whose", "zh": "来源"},
    "runs.mine": {"en": "mine", "zh": "我的"},
    "runs.shared": {"en": "shared", "zh": "共享"},
    "runs.public": {"en": "Share with the class", "zh": "共享给全班"},
    "runs.resume": {"en": "Resume", "zh": "继续训练"},
    "runs.delete": {"en": "Delete", "zh": "删除"},
    "runs.deleted": {"en": "Run deleted.", "zh": "已删除。"},
    "runs.config": {"en": "All hyperparameters", "zh": "全部超参数"},
    # Statuses
    "status.queued": {"en": "queued", "zh": "排队中"},
    "status.running": {"en": "running", "zh": "训练中"},
    "status.finished": {"en": "finished", "zh": "已完成"},
    "status.stopped": {"en": "stopped", "zh": "已停止"},
    "status.failed": {"en": "failed", "zh": "失败"},
    "status.interrupted": {"en": "interrupted", "zh": "已中断"},
    # Durations
    "duration.under_second": {"en": "< 1 s", "zh": "不到 1 秒"},
    "duration.seconds": {"en": "{s} s", "zh": "{s} 秒"},
    "duration.minutes": {"en": "{m} min {s} s", "zh": "{m} 分 {s} 秒"},
    "duration.hours": {"en": "{h} h {m} min", "zh": "{h} 小时 {m} 分"},
    # Messages from the package (classifier/messages.py): "msg." + the message's code
    "msg.error.unexpected": {"en": "unexpected error: {kind}: {detail}", "zh": "意外错误：{kind}：{detail}"},
    "msg.text.plain": {"en": "{text}", "zh": "{text}"},
    "msg.data.class_count_mismatch": {
        "en": "the model has {model} classes, the data set {data}",
        "zh": "模型有 {model} 个类别，数据集有 {data} 个",
    },
    # inspection (classifier/inspect.py)
    "msg.inspect.no_conv_layer": {
        "en": "this model has no convolutional layer to explain",
        "zh": "这个模型没有可以解释的卷积层",
    },
    "msg.inspect.not_conv": {"en": "{layer} is not a convolution layer", "zh": "{layer} 不是卷积层"},
    "msg.inspect.no_maps": {
        "en": "{layer} has no 2-D feature maps to explain",
        "zh": "{layer} 没有可以解释的二维特征图",
    },
    # models (classifier/predict.py)
    "msg.model.builtin_missing": {
        "en": "the built-in model is missing; run `make default-model` to train it",
        "zh": "内置模型缺失；请运行 `make default-model` 训练它",
    },
    "msg.model.no_file": {"en": "no model file at {path}", "zh": "{path} 处没有模型文件"},
    "msg.model.too_large": {"en": "the model file is larger than {limit_mb} MB", "zh": "模型文件超过 {limit_mb} MB"},
    "msg.model.class_count": {
        "en": "the model has {outputs} outputs but {classes} class names were given",
        "zh": "模型有 {outputs} 个输出，但给出了 {classes} 个类别名",
    },
    "msg.model.empty": {"en": "the model file is empty (0 bytes)", "zh": "模型文件是空的（0 字节）"},
    "msg.model.not_zip": {
        "en": "not a Keras model: a .keras file is a zip archive (save with model.save('x.keras'))",
        "zh": "不是 Keras 模型：.keras 文件是一个 zip 压缩包（用 model.save('x.keras') 保存）",
    },
    "msg.model.damaged": {
        "en": "the model file is damaged (not a readable zip archive)",
        "zh": "模型文件已损坏（不是可读的 zip 压缩包）",
    },
    "msg.model.no_config": {
        "en": "not a Keras model: the archive has no config.json",
        "zh": "不是 Keras 模型：压缩包里没有 config.json",
    },
    "msg.model.lambda": {
        "en": "the model contains a Lambda layer (arbitrary Python code); it is refused for safety",
        "zh": "模型包含 Lambda 层（任意 Python 代码）；出于安全考虑已拒绝",
    },
    "msg.model.unloadable": {"en": "the model could not be loaded: {detail}", "zh": "无法加载模型：{detail}"},
    "msg.model.one_input": {
        "en": "the model must take exactly one input: a batch of 32x32 RGB images",
        "zh": "模型必须只有一个输入：一批 32×32 的 RGB 图像",
    },
    "msg.model.input_shape": {
        "en": "the model takes images of shape {shape}, but this app feeds 32x32 RGB (32, 32, 3)",
        "zh": "模型接收的图像形状是 {shape}，但本应用输入的是 32×32 RGB (32, 32, 3)",
    },
    "msg.model.one_output": {
        "en": "the model must output one vector of class probabilities",
        "zh": "模型必须输出一个类别概率向量",
    },
    "msg.model.too_few_outputs": {
        "en": "the model outputs {count} value(s); a classifier needs at least two classes",
        "zh": "模型只输出 {count} 个值；分类器至少需要两个类别",
    },
    "msg.model.no_checkpoint_yet": {
        "en": "this run has no checkpoint yet; wait for its first epoch to finish",
        "zh": "这次训练还没有检查点；请等第一轮结束",
    },
    "msg.model.unknown_name": {
        "en": "no model file or run called {name}",
        "zh": "没有名为 {name} 的模型文件或训练记录",
    },
    "msg.model.tta": {
        "en": "test-time augmentation must be one of {choices}, not {value}",
        "zh": "测试时增强只能是 {choices} 之一，而不是 {value}",
    },
    # data sets (classifier/data/)
    "msg.data.progress_reading": {"en": "Reading {name}", "zh": "正在读取 {name}"},
    "msg.data.progress_decoding_train": {
        "en": "Decoding training images: {done:,}/{total:,}",
        "zh": "正在解码训练图像：{done:,}/{total:,}",
    },
    "msg.data.progress_decoding_test": {
        "en": "Decoding test images: {done:,}/{total:,}",
        "zh": "正在解码测试图像：{done:,}/{total:,}",
    },
    "msg.data.cifar_missing": {
        "en": "{variable} points at {path}, which does not exist",
        "zh": "{variable} 指向 {path}，但它不存在",
    },
    "msg.data.cifar_classes": {
        "en": "{path} does not hold the ten CIFAR-10 classes (found {found})",
        "zh": "{path} 里没有 CIFAR-10 的十个类别（找到的是：{found}）",
    },
    "msg.data.cifar_download_failed": {
        "en": "Could not download CIFAR-10 ({kind}: {detail}). Without internet, set {variable} to a copy (a class-folder directory or zip, or cifar-10-python.tar.gz), or use the built-in 'shapes' data set.",
        "zh": "无法下载 CIFAR-10（{kind}：{detail}）。没有网络时，请把 {variable} 设为一份本地副本（按类别分文件夹的目录或 zip，或 cifar-10-python.tar.gz），或者使用内置的“形状”数据集。",
    },
    "msg.data.cifar_tar_incomplete": {
        "en": "{name} is not the CIFAR-10 python archive (found {found})",
        "zh": "{name} 不是 CIFAR-10 的 python 压缩包（找到的是：{found}）",
    },
    "msg.data.file_empty": {
        "en": "{name} is empty (0 bytes); upload a .zip of class folders",
        "zh": "{name} 是空文件（0 字节）；请上传按类别分文件夹的 .zip",
    },
    "msg.data.not_zip": {
        "en": "{name} is neither a zip archive nor a folder; upload a .zip of class folders",
        "zh": "{name} 既不是 zip 压缩包也不是文件夹；请上传按类别分文件夹的 .zip",
    },
    "msg.data.missing": {"en": "{name} does not exist", "zh": "{name} 不存在"},
    "msg.data.unreadable": {"en": "cannot read {name}: {detail}", "zh": "无法读取 {name}：{detail}"},
    "msg.data.zip_too_many_files": {
        "en": "the zip holds {files:,} files; the limit is {limit:,}",
        "zh": "这个 zip 有 {files:,} 个文件；上限是 {limit:,}",
    },
    "msg.data.zip_unsafe_path": {
        "en": "the zip contains an unsafe path ({path}: absolute or with '..'); refused",
        "zh": "这个 zip 含有不安全的路径（{path}：绝对路径或含有 '..'）；已拒绝",
    },
    "msg.data.zip_bomb": {
        "en": "{path} in the zip expands {ratio}-fold (a zip bomb?); refused",
        "zh": "zip 中的 {path} 解压后膨胀 {ratio} 倍（可能是 zip 炸弹）；已拒绝",
    },
    "msg.data.zip_too_large": {
        "en": "the zip would expand to {gigabytes:.1f} GB; the limit is {limit:.0f} GB",
        "zh": "这个 zip 解压后有 {gigabytes:.1f} GB；上限是 {limit:.0f} GB",
    },
    "msg.data.no_class_folders": {
        "en": "{name} has no images in class folders; expected '<class>/<image>' or 'train/<class>/<image>' (and optionally 'test/...')",
        "zh": "{name} 的类别文件夹里没有图像；应为 '<类别>/<图像>' 或 'train/<类别>/<图像>'（可选 'test/...'）",
    },
    "msg.data.test_classes_unknown": {
        "en": "the test split has classes that training lacks: {classes}",
        "zh": "测试集中有训练集没有的类别：{classes}",
    },
    "msg.data.too_few_classes": {
        "en": "{name} needs at least two classes with readable images; found {found} ({classes})",
        "zh": "{name} 至少需要两个含有可读图像的类别；只找到 {found} 个（{classes}）",
    },
    "msg.data.too_many_classes": {
        "en": "{name} has {found} classes; the limit is {limit}",
        "zh": "{name} 有 {found} 个类别；上限是 {limit}",
    },
    "msg.data.too_few_to_test": {
        "en": "{name} has too few images to keep some for testing",
        "zh": "{name} 的图像太少，无法留出一部分用于测试",
    },
    "msg.data.note_skipped_train": {
        "en": "skipped {count} unreadable file(s) in train, e.g. {example}: {reason}",
        "zh": "训练集中跳过了 {count} 个无法读取的文件，例如 {example}：{reason}",
    },
    "msg.data.note_skipped_test": {
        "en": "skipped {count} unreadable file(s) in test, e.g. {example}: {reason}",
        "zh": "测试集中跳过了 {count} 个无法读取的文件，例如 {example}：{reason}",
    },
    "msg.data.note_loose_files": {
        "en": "ignored {count} file(s) outside class folders, e.g. {example}",
        "zh": "忽略了 {count} 个不在类别文件夹里的文件，例如 {example}",
    },
    "msg.data.note_empty_classes": {
        "en": "left out class folder(s) with no readable images: {classes}",
        "zh": "略去了没有可读图像的类别文件夹：{classes}",
    },
    "msg.data.note_no_test_folder": {
        "en": "no test folder: {share:.0%} of each class is kept aside for testing",
        "zh": "没有测试文件夹：每个类别留出 {share:.0%} 用于测试",
    },
    # hyperparameters (classifier/config.py); the app shows {field} as the control's label
    "msg.config.dataset_missing": {
        "en": "{field}: must name a data set ('cifar10', 'shapes' or a path)",
        "zh": "{field}：必须指定一个数据集（'cifar10'、'shapes' 或一个路径）",
    },
    "msg.config.augmentation_list": {
        "en": "{field}: must be a list of distinct options from {choices}",
        "zh": "{field}：必须是从 {choices} 中选出的不重复选项",
    },
    "msg.config.block_count": {
        "en": "{field}: must list 1 to {most} blocks",
        "zh": "{field}：必须有 1 到 {most} 个卷积块",
    },
    "msg.config.pool_count": {
        "en": "{field}: needs one yes/no per conv block ({blocks}), got {got}",
        "zh": "{field}：每个卷积块需要一个是/否（共 {blocks} 个），实际为 {got}",
    },
    "msg.config.yes_no": {"en": "{field}: must be true or false", "zh": "{field}：必须是“是”或“否”"},
    "msg.config.warmup": {
        "en": "{field}: must be less than epochs ({epochs}), got {warmup}",
        "zh": "{field}：必须小于训练轮数（{epochs}），实际为 {warmup}",
    },
    "msg.config.shrinks": {
        "en": "{field}: the image shrinks to nothing in block {block} (kernel {kernel}, padding 'valid'); use fewer blocks, less pooling or padding 'same'",
        "zh": "{field}：图像在第 {block} 个卷积块缩小到没有了（卷积核 {kernel}，填充 'valid'）；请减少卷积块或池化，或改用 'same' 填充",
    },
    "msg.config.pool_too_small": {
        "en": "{field}: block {block} has a {size}x{size} output, too small to pool",
        "zh": "{field}：第 {block} 个卷积块的输出只有 {size}×{size}，太小，无法池化",
    },
    "msg.config.not_object": {
        "en": "{field}: expected a JSON object of hyperparameters",
        "zh": "{field}：需要一个由超参数组成的 JSON 对象",
    },
    "msg.config.unknown_field": {
        "en": "{field}: not a hyperparameter (known: {known})",
        "zh": "{field}：不是超参数（可用的有：{known}）",
    },
    "msg.config.bad_json": {"en": "{field}: not valid JSON ({detail})", "zh": "{field}：不是有效的 JSON（{detail}）"},
    "msg.config.choice": {
        "en": "{field}: must be one of {choices} (got {value})",
        "zh": "{field}：必须是 {choices} 之一（实际为 {value}）",
    },
    "msg.config.whole_number": {
        "en": "{field}: must be a whole number between {low:g} and {high:g} (got {value})",
        "zh": "{field}：必须是 {low:g} 到 {high:g} 之间的整数（实际为 {value}）",
    },
    "msg.config.number": {
        "en": "{field}: must be a number between {low:g} and {high:g} (got {value})",
        "zh": "{field}：必须是 {low:g} 到 {high:g} 之间的数（实际为 {value}）",
    },
    "msg.config.range": {
        "en": "{field}: must be between {low:g} and {high:g} (got {value})",
        "zh": "{field}：必须在 {low:g} 到 {high:g} 之间（实际为 {value}）",
    },
    # engine (classifier/engine/)
    "msg.engine.phase_loading": {"en": "Loading data", "zh": "正在加载数据"},
    "msg.engine.phase_building": {"en": "Building the model", "zh": "正在构建模型"},
    "msg.engine.phase_training": {"en": "Training", "zh": "正在训练"},
    "msg.engine.phase_testing": {"en": "Testing", "zh": "正在测试"},
    "msg.engine.stopped_before_start": {"en": "stopped before it started", "zh": "开始之前就已停止"},
    "msg.engine.stopped_by_request": {
        "en": "stopped by request after {epochs} epoch(s)",
        "zh": "应要求在第 {epochs} 轮后停止",
    },
    "msg.engine.cancelled_in_queue": {"en": "cancelled while waiting in the queue", "zh": "排队等待时已取消"},
    "msg.share.left": {
        "en": "you left the shared training after {epochs} epoch(s); your run keeps what was trained until then, "
        "and the others on it train on",
        "zh": "你在第 {epochs} 轮后退出了共享训练；你的记录保留了到那时为止训练的结果，其他同学继续训练",
    },
    "msg.share.left_queued": {
        "en": "you left the queue before the shared training started; the others on it keep their place",
        "zh": "你在共享训练开始之前退出了排队；其他同学仍保留他们的位置",
    },
    "msg.engine.out_of_memory": {
        "en": "out of memory: try a smaller batch size, network or subset",
        "zh": "内存不足：请减小批大小、网络规模或数据子集",
    },
    "msg.engine.empty_training_split": {"en": "the training split is empty", "zh": "训练集是空的"},
    "msg.engine.diverged": {
        "en": "the loss became NaN (not a number) during epoch {epoch}: training diverged. The learning rate ({learning_rate:g}) is probably too high; try 10x smaller.",
        "zh": "第 {epoch} 轮时损失变成了 NaN（不是数字）：训练发散了。学习率（{learning_rate:g}）可能太高，试试小 10 倍。",
    },
    "msg.engine.status_unwritable": {
        "en": "could not write the run's status file: {detail}",
        "zh": "无法写入训练记录的状态文件：{detail}",
    },
    "msg.engine.predictions_unwritable": {
        "en": "could not save test predictions: {detail}",
        "zh": "无法保存测试集预测：{detail}",
    },
    "msg.engine.checkpoint_unwritable_kept": {
        "en": "could not save epoch {epoch} ({detail}); the checkpoint from epoch {kept} is kept",
        "zh": "无法保存第 {epoch} 轮（{detail}）；保留第 {kept} 轮的检查点",
    },
    "msg.engine.checkpoint_unwritable_none": {
        "en": "could not save epoch {epoch} ({detail}); no checkpoint is saved yet",
        "zh": "无法保存第 {epoch} 轮（{detail}）；目前还没有保存任何检查点",
    },
    "msg.engine.worker_died": {
        "en": "the training process ended unexpectedly (exit status {code}); the run can be resumed from its last checkpoint",
        "zh": "训练进程意外结束（退出状态 {code}）；可以从最后一个检查点继续训练",
    },
    # runs (classifier/runs.py)
    "msg.run.not_found": {"en": "no such run: {run_id}", "zh": "没有这条训练记录：{run_id}"},
    "msg.run.damaged": {"en": "run {run_id} is damaged: {detail}", "zh": "训练记录 {run_id} 已损坏：{detail}"},
    "msg.run.cannot_create": {
        "en": "cannot create a run in {folder}: {detail}. Check that the runs folder exists, is writable and the disk is not full.",
        "zh": "无法在 {folder} 中创建训练记录：{detail}。请检查该文件夹存在、可写，且磁盘未满。",
    },
    "msg.limits.active_runs": {
        "en": "you already have {count} run(s) queued or training (the limit for each student is {limit}); wait for one to finish, or stop one, then start again: your settings are kept",
        "zh": "你已有 {count} 次训练在排队或进行中（每位学生最多 {limit} 次）；请等其中一次结束，或停止一次，然后再开始：你的设置会保留",
    },
    "msg.limits.kept_runs": {
        "en": "you have {count} saved runs (the limit for each student is {limit}); delete some on the Runs page, then start again: your settings are kept",
        "zh": "你已保存 {count} 次训练（每位学生最多 {limit} 次）；请在“训练记录”页删除一些，然后再开始：你的设置会保留",
    },
    "msg.limits.sweep_runs": {
        "en": "this experiment needs {count} runs and you have {active} queued or training; at most {limit} may wait at once. Choose fewer shares, or wait for your runs to finish",
        "zh": "这个实验需要 {count} 次训练，而你已有 {active} 次在排队或进行中；同时最多 {limit} 次。请少选几个比例，或等你的训练结束",
    },
    "msg.limits.not_a_number": {
        "en": "the server setting {variable} must be a whole number of at least 1 (it is '{value}')",
        "zh": "服务器设置 {variable} 必须是不小于 1 的整数（现在是 '{value}'）",
    },
    "msg.run.not_owner_share": {
        "en": "only the person who started this run can share it",
        "zh": "只有开始这次训练的人才能分享它",
    },
    "msg.run.not_owner_delete": {
        "en": "only the person who started this run can delete it",
        "zh": "只有开始这次训练的人才能删除它",
    },
    "msg.run.not_owner_resume": {
        "en": "only the person who started this run can resume it",
        "zh": "只有开始这次训练的人才能继续它",
    },
    "msg.run.not_owner_revoke": {
        "en": "only the person who started this run can withdraw its phone link",
        "zh": "只有开始这次训练的人才能撤销它的手机链接",
    },
    "msg.ondevice.export_failed": {
        "en": "the model could not be prepared for the browser: {reason}",
        "zh": "无法为浏览器准备该模型：{reason}",
    },
    "msg.run.not_owner_stop": {
        "en": "only the person who started this run can stop it",
        "zh": "只有开始这次训练的人才能停止它",
    },
    "msg.run.still_training": {"en": "this run is already training or queued", "zh": "这次训练已经在进行或在排队"},
    "msg.run.all_epochs_done": {
        "en": "this run has already trained all its planned epochs",
        "zh": "这次训练已经完成了计划的全部轮数",
    },
    "msg.run.delete_while_training": {
        "en": "this run is still training; stop it before deleting it",
        "zh": "这次训练仍在进行；请先停止再删除",
    },
    "msg.run.interrupted": {
        "en": "the server stopped during epoch {epoch}; the checkpoint after epoch {checkpoint} is kept and the run can be resumed",
        "zh": "服务器在第 {epoch} 轮时停止了；第 {checkpoint} 轮之后的检查点已保留，可以继续训练",
    },
    "msg.run.interrupted_first_epoch": {
        "en": "the server stopped before the first epoch finished",
        "zh": "服务器在第一轮完成之前就停止了",
    },
    "msg.runs.name_too_long": {
        "en": "the name has {length} characters; {limit} at most, please",
        "zh": "名字有 {length} 个字符，最多只能 {limit} 个",
    },
    "msg.runs.name_characters": {
        "en": "a name may hold letters, digits, spaces and - . ' · only, not {characters}",
        "zh": "名字只能包含文字、数字、空格和 - . ' ·，不能包含 {characters}",
    },
    "msg.image.empty": {
        "en": "the file is empty (0 bytes); choose the picture itself",
        "zh": "文件是空的（0 字节）；请选择图片文件本身",
    },
    "msg.image.folder": {
        "en": "this is a folder, not a picture; choose the pictures inside it",
        "zh": "这是一个文件夹，不是图片；请选择文件夹里的图片",
    },
    "msg.image.unreadable": {
        "en": "the file cannot be read ({reason}); check that it still exists",
        "zh": "无法读取该文件（{reason}）；请确认文件仍然存在",
    },
    "msg.image.file_too_big": {
        "en": "the file is {size_mb:.1f} MB, over the {limit_mb} MB limit; use a smaller copy",
        "zh": "文件大小为 {size_mb:.1f} MB，超过了 {limit_mb} MB 的上限；请换一张较小的图片",
    },
    "msg.image.file_over_limit": {
        "en": "the file is over the {limit_mb} MB limit for a picture; use a smaller copy",
        "zh": "文件超过了图片 {limit_mb} MB 的上限；请换一张较小的图片",
    },
    "msg.image.unknown": {
        "en": "not a picture this app can open; use PNG, JPEG, WebP, GIF, BMP or TIFF",
        "zh": "不是本应用能打开的图片；请使用 PNG、JPEG、WebP、GIF、BMP 或 TIFF 格式",
    },
    "msg.image.svg": {
        "en": "an SVG drawing, which this app cannot open; export it as PNG or JPEG",
        "zh": "这是 SVG 矢量图，本应用无法打开；请导出为 PNG 或 JPEG",
    },
    "msg.image.heic": {
        "en": "a HEIC/HEIF photo, which this app cannot open; convert it to JPEG or PNG first",
        "zh": "这是 HEIC/HEIF 照片，本应用无法打开；请先转换为 JPEG 或 PNG",
    },
    "msg.image.avif": {
        "en": "an AVIF picture, which this app cannot open; convert it to JPEG or PNG first",
        "zh": "这是 AVIF 图片，本应用无法打开；请先转换为 JPEG 或 PNG",
    },
    "msg.image.pdf": {
        "en": "a PDF document, not a picture; export the page as PNG or JPEG",
        "zh": "这是 PDF 文档，不是图片；请把页面导出为 PNG 或 JPEG",
    },
    "msg.image.zip": {
        "en": "a zip archive, not a picture; unpack it and choose the pictures inside",
        "zh": "这是 zip 压缩包，不是图片；请解压后选择里面的图片",
    },
    "msg.image.html": {
        "en": "a web page (HTML), not a picture; save the picture itself instead",
        "zh": "这是网页（HTML），不是图片；请改为保存图片本身",
    },
    "msg.image.too_many_pixels": {
        "en": "the picture claims {width}×{height} pixels, over the {limit}-megapixel limit "
        "(possibly a decompression bomb); use a smaller copy",
        "zh": "图片声称有 {width}×{height} 像素，超过了 {limit} 百万像素的上限（可能是“解压炸弹”）；请换一张较小的图片",
    },
    "msg.image.bomb": {
        "en": "the picture is far too large (possibly a decompression bomb); use a smaller copy",
        "zh": "图片大得离谱（可能是“解压炸弹”）；请换一张较小的图片",
    },
    "msg.image.damaged": {
        "en": "the picture file is damaged or truncated ({detail}); save or download it again",
        "zh": "图片文件已损坏或不完整（{detail}）；请重新保存或下载",
    },
    "msg.image.too_large_to_decode": {
        "en": "the picture is too large to decode; use a smaller copy",
        "zh": "图片太大，无法解码；请换一张较小的图片",
    },
    # Issue 16 (friction found in a walkthrough): sharing, readable settings, presets, notes, models
    "share.title": {"en": "Sharing with the class", "zh": "与全班共享"},
    "share.name": {"en": "Your name, as the class will see it", "zh": "你的名字（全班同学会看到）"},
    "share.name_help": {
        "en": "Up to 40 letters, digits, spaces and - . ' ·; leave it empty to share without a name.",
        "zh": "最多 40 个字符：文字、数字、空格和 - . ' ·；留空则不署名共享。",
    },
    "share.stop": {"en": "Stop sharing", "zh": "取消共享"},
    "share.private": {
        "en": "Only you can see this run. Shared, everyone sees and compares it in Runs (they cannot change or delete it).",
        "zh": "目前只有你能看到这条记录。共享后，全班同学都能在训练记录页查看和比较它（但不能修改或删除）。",
    },
    "share.shared_as": {
        "en": "Shared with the class as **{name}**: everyone sees it in Runs.",
        "zh": "已用 **{name}** 的名字共享给全班：大家都能在训练记录页看到它。",
    },
    "share.shared": {
        "en": "Shared with the class (without a name): everyone sees it in Runs.",
        "zh": "已共享给全班（未署名）：大家都能在训练记录页看到它。",
    },
    "share.done_as": {"en": "Shared with the class as {name}.", "zh": "已用 {name} 的名字共享给全班。"},
    "share.done": {"en": "Shared with the class.", "zh": "已共享给全班。"},
    "share.stopped": {"en": "This run is private again.", "zh": "这条记录已恢复为仅自己可见。"},
    "share.failed": {"en": "Could not share: {reason}", "zh": "无法共享：{reason}"},
    "runs.shared_by": {"en": "shared by {name}", "zh": "{name} 共享"},
    "config.setting": {"en": "Setting", "zh": "设置"},
    "config.value": {"en": "Value", "zh": "取值"},
    "config.yes": {"en": "yes", "zh": "是"},
    "config.no": {"en": "no", "zh": "否"},
    "config.none": {"en": "none", "zh": "无"},
    "config.all": {"en": "all", "zh": "全部"},
    "config.then_pool": {"en": "{filters}, then 2×2 max pooling", "zh": "{filters}，之后做 2×2 最大池化"},
    "preset.custom": {"en": "Custom", "zh": "自定义"},
    "preset.custom.help": {
        "en": "Your own settings: they match no preset, so no promise of accuracy or time. Pick a preset to start again from it.",
        "zh": "你自己的设置：与任何预设都不一致，因此没有准确率或时间的参考。选择一个预设即可从它重新开始。",
    },
    "train.zip_prompt": {
        "en": "Upload a zip of class folders in the box under *Data set* (one folder per class, e.g. cat/ and "
        "dog/). The network and sample images appear here once it is read.",
        "zh": "请在“数据集”下方的框中上传按类别分文件夹的 zip（每个类别一个文件夹，如 cat/ 和 dog/）。"
        "读取完成后，这里会显示网络结构和样本图片。",
    },
    "results.no_mistakes": {
        "en": "None: it classified every test image correctly.",
        "zh": "没有：每张测试图片都分对了。",
    },
    "predict.unsure_builtin": {
        "en": "The built-in model knows only small 32×32 pictures like CIFAR-10's ten classes: a close-up, an "
        "unusual angle or a busy background confuses it even when the photo shows one of them.",
        "zh": "内置模型只认识与 CIFAR-10 十个类别相似的 32×32 小图片：特写、少见的角度或杂乱的背景都会让它困惑，"
        "即使照片里确实是这些类别之一。",
    },
    "model.about_builtin": {
        "en": "Shown: the built-in model, the *{preset}* preset trained on CIFAR-10 ({accuracy:.0%} test accuracy; "
        "convolutions {filters}). It is stronger than the tutorial's seed network (convolutions {seed}) that Home "
        "and Train describe; train the *{seed_preset}* preset to look inside that one.",
        "zh": "当前显示：内置模型，即用“{preset}”预设在 CIFAR-10 上训练的模型（测试准确率 {accuracy:.0%}；卷积核 {filters}）。"
        "它比首页和训练页介绍的教程基础网络（卷积核 {seed}）更强；想看那个网络的内部，请用“{seed_preset}”预设训练一次。",
    },
    "model.about_run": {
        "en": "Shown: {whose}: {settings} (convolutions {filters}), trained on {dataset}.",
        "zh": "当前显示：{whose}：{settings}（卷积核 {filters}），数据集 {dataset}。",
    },
    "preset.switched_data": {
        "en": "The {preset} preset trains on another data set: the data set is now {dataset}.",
        "zh": "“{preset}”预设使用另一个数据集：数据集已切换为{dataset}。",
    },
    "preset.settings": {"en": "{preset} settings", "zh": "{preset}设置"},
    "preset.epochs_variant": {"en": "{preset} network, {epochs} epochs", "zh": "{preset}网络，{epochs} 轮"},
    "preset.epochs_variant_one": {"en": "{preset} network, {epochs} epoch", "zh": "{preset}网络，{epochs} 轮"},
    "preset.epochs_variant.help": {
        "en": "The {preset} network and training, for {epochs} epochs instead of the preset's {planned}: "
        "the preset's accuracy figure is for {planned} epochs; the time beside is for {epochs}.",
        "zh": "{preset}预设的网络和训练方式，训练 {epochs} 轮（预设为 {planned} 轮）：预设的准确率参考值对应 {planned} 轮；"
        "旁边的时间是 {epochs} 轮所需。",
    },
    "model.about_upload": {"en": "Shown: the model you uploaded, {name}.", "zh": "当前显示：你上传的模型 {name}。"},
    "model.whose.latest": {"en": "your latest finished run ({when})", "zh": "你最近完成的训练（{when}）"},
    "model.whose.mine": {"en": "your run of {when}", "zh": "你在 {when} 的训练"},
    "model.whose.shared": {"en": "a run {name} shared ({when})", "zh": "{name} 共享的训练（{when}）"},
    "model.whose.class": {"en": "a run shared with the class ({when})", "zh": "全班共享的训练（{when}）"},
    "inside.filter_size": {"en": "Size", "zh": "显示大小"},
    "inside.size.small": {"en": "small", "zh": "小"},
    "inside.size.medium": {"en": "medium", "zh": "中"},
    "inside.size.large": {"en": "large", "zh": "大"},
    # Layer types: short names for the network diagram, and with the Keras class a student meets in code
    "layer.short.Conv2D": {"en": "Conv", "zh": "卷积"},
    "layer.short.MaxPooling2D": {"en": "Max pool", "zh": "最大池化"},
    "layer.short.Flatten": {"en": "Flatten", "zh": "展平"},
    "layer.short.Dense": {"en": "Dense", "zh": "全连接"},
    "layer.short.GlobalAveragePooling2D": {"en": "Global avg pool", "zh": "全局平均池化"},
    "layer.short.BatchNormalization": {"en": "Batch norm", "zh": "批归一化"},
    "layer.short.Activation": {"en": "Activation", "zh": "激活"},
    "layer.short.Dropout": {"en": "Dropout", "zh": "随机失活"},
    "layer.kind.Conv2D": {"en": "Convolution (Conv2D)", "zh": "卷积（Conv2D）"},
    "layer.kind.MaxPooling2D": {"en": "Max pooling (MaxPooling2D)", "zh": "最大池化（MaxPooling2D）"},
    "layer.kind.Flatten": {"en": "Flatten", "zh": "展平（Flatten）"},
    "layer.kind.Dense": {"en": "Dense, fully connected (Dense)", "zh": "全连接（Dense）"},
    "layer.kind.GlobalAveragePooling2D": {
        "en": "Global average pooling (GlobalAveragePooling2D)",
        "zh": "全局平均池化（GlobalAveragePooling2D）",
    },
    "layer.kind.BatchNormalization": {
        "en": "Batch normalisation (BatchNormalization)",
        "zh": "批归一化（BatchNormalization）",
    },
    "layer.kind.Activation": {"en": "Activation", "zh": "激活（Activation）"},
    "layer.kind.Dropout": {"en": "Dropout", "zh": "随机失活（Dropout）"},
    # Class names of the built-in data sets, for display only (a model's labels stay as they are);
    # listed in each set's own order, which `class_names` relies on.
    "class.cifar10.airplane": {"en": "airplane", "zh": "飞机"},
    "class.cifar10.automobile": {"en": "automobile", "zh": "汽车"},
    "class.cifar10.bird": {"en": "bird", "zh": "鸟"},
    "class.cifar10.cat": {"en": "cat", "zh": "猫"},
    "class.cifar10.deer": {"en": "deer", "zh": "鹿"},
    "class.cifar10.dog": {"en": "dog", "zh": "狗"},
    "class.cifar10.frog": {"en": "frog", "zh": "青蛙"},
    "class.cifar10.horse": {"en": "horse", "zh": "马"},
    "class.cifar10.ship": {"en": "ship", "zh": "船"},
    "class.cifar10.truck": {"en": "truck", "zh": "卡车"},
    "class.shapes.circle": {"en": "circle", "zh": "圆形"},
    "class.shapes.square": {"en": "square", "zh": "正方形"},
    "class.shapes.triangle": {"en": "triangle", "zh": "三角形"},
    "class.shapes.cross": {"en": "cross", "zh": "十字"},
    "class.shapes.ring": {"en": "ring", "zh": "圆环"},
    "class.shapes.stripes": {"en": "stripes", "zh": "条纹"},
}


# --- Challenges page: little data, explanations, phones and IoT, privacy -------------------------------
TEXT.update(
    {
        "nav.challenges": {"en": "Challenges", "zh": "挑战"},
        "ch.title": {"en": "Four open challenges, as experiments", "zh": "四个未解决的挑战：动手做实验"},
        "ch.intro": {
            "en": "The document ends with four problems image classification still has: too little good data, models nobody can explain, models too heavy for phones, and the privacy of the people in the photos. Each tab turns one into an experiment you run and measure on this machine.",
            "zh": "文档最后列出了图像分类仍面临的四个问题：高质量数据不够、模型的决定难以解释、模型对手机来说太重、照片中人的隐私。每个标签页把其中一个问题变成你可以在这台机器上运行并测量的实验。",
        },
        "ch.tab.data": {"en": "1 · Little data", "zh": "1 · 数据太少"},
        "ch.tab.explain": {"en": "2 · Explanations", "zh": "2 · 可解释性"},
        "ch.tab.export": {"en": "3 · Phones and IoT", "zh": "3 · 手机与物联网"},
        "ch.tab.privacy": {"en": "4 · Privacy", "zh": "4 · 隐私"},
        "ch.dataset": {"en": "Data set", "zh": "数据集"},
        "ch.dataset.cifar10": {"en": "CIFAR-10", "zh": "CIFAR-10"},
        "ch.dataset.shapes": {"en": "Built-in shapes", "zh": "内置形状"},
        "ch.machine": {"en": "{cpu}, {cores} cores", "zh": "{cpu}，{cores} 个核心"},
        "ch.stop": {"en": "Stop", "zh": "停止"},
        "ch.working": {"en": "Working…", "zh": "正在运行……"},
        # 1. Little data
        "ch.data.intro": {
            "en": "How much does accuracy depend on the amount of labelled data? The same network is trained on 2% up to 100% of the training images (the same share of every class), each as an ordinary run in the queue, and tested on the whole test set. Augmentation (flipped and shifted copies) is one way to get more out of few images: compare the two curves.",
            "zh": "准确率有多依赖带标签数据的数量？同一个网络分别用 2% 到 100% 的训练图像（每个类别取相同比例）训练，每次都是队列中的一次普通训练，并在完整的测试集上测试。数据增强（翻转和平移后的副本）是用少量图像学到更多的一种办法：比较两条曲线。",
        },
        "ch.data.epochs": {"en": "Epochs per run", "zh": "每次训练的轮数"},
        "ch.data.fractions": {"en": "Shares of the training set", "zh": "训练集的比例"},
        "ch.data.augment": {"en": "Augmentation", "zh": "数据增强"},
        "ch.data.augment.both": {"en": "without and with", "zh": "不用和使用都做"},
        "ch.data.augment.without": {"en": "without", "zh": "不用"},
        "ch.data.augment.with": {"en": "with (flip + shift)", "zh": "使用（翻转 + 平移）"},
        "ch.data.plan_measuring": {
            "en": "{runs} runs. Measuring how long they take on this server…",
            "zh": "共 {runs} 次训练。正在本服务器上测量所需时间…",
        },
        "ch.data.plan_unmeasured": {
            "en": "{runs} runs. Their time is measured when no run trains on this server (see the Train page's estimate).",
            "zh": "共 {runs} 次训练。所需时间会在本服务器没有训练时测量（见“训练”页的估计）。",
        },
        "ch.data.plan": {
            "en": "{runs} runs, roughly {duration} of training in all on this machine.",
            "zh": "共 {runs} 次训练，在这台机器上总计约 {duration}。",
        },
        "ch.data.start": {"en": "Start the learning curve", "zh": "开始绘制学习曲线"},
        "ch.data.stop": {"en": "Stop the sweep", "zh": "停止全部训练"},
        "ch.data.progress": {"en": "{done} of {total} runs done", "zh": "已完成 {done} / {total} 次训练"},
        "ch.data.with": {"en": "with augmentation", "zh": "使用数据增强"},
        "ch.data.without": {"en": "without augmentation", "zh": "不用数据增强"},
        "ch.data.x": {"en": "Training images (log scale)", "zh": "训练图像数（对数坐标）"},
        "ch.data.col.fraction": {"en": "Share", "zh": "比例"},
        "ch.data.col.augment": {"en": "Augmentation", "zh": "数据增强"},
        "ch.data.col.images": {"en": "Training images", "zh": "训练图像数"},
        "ch.data.col.status": {"en": "Status", "zh": "状态"},
        "ch.data.measured": {
            "en": "Each point is a run of its own (also listed under Runs), trained and tested on this machine ({machine}, {precision} arithmetic); the test set is the same for every point.",
            "zh": "每个点都是一次独立的训练（也列在“训练记录”中），在这台机器上训练和测试（{machine}，{precision} 运算）；所有点使用同一个测试集。",
        },
        # 2. Explanations
        "ch.explain.intro": {
            "en": "A network's decision is hard to explain. Two methods answer “where did it look?” in different ways; when they agree, the explanation is more trustworthy.",
            "zh": "网络的决定很难解释。两种方法用不同的方式回答“它看了哪里？”；两者一致时，解释更可信。",
        },
        "ch.explain.source": {"en": "Image", "zh": "图像"},
        "ch.explain.source.test": {"en": "A test image", "zh": "测试图像"},
        "ch.explain.source.upload": {"en": "My image", "zh": "我的图像"},
        "ch.explain.patch": {"en": "Grey patch (pixels)", "zh": "灰色遮挡块（像素）"},
        "ch.explain.stride": {"en": "Step (pixels)", "zh": "步长（像素）"},
        "ch.explain.input": {"en": "Input: {label} ({p:.0%})", "zh": "输入：{label}（{p:.0%}）"},
        "ch.explain.gradcam": {"en": "Grad-CAM for “{label}”", "zh": "“{label}”的 Grad-CAM"},
        "ch.explain.occlusion": {
            "en": "Occlusion for “{label}” ({patch}×{patch} patch, step {stride})",
            "zh": "“{label}”的遮挡敏感度（{patch}×{patch} 遮挡块，步长 {stride}）",
        },
        "ch.explain.no_gradcam": {
            "en": "No Grad-CAM for this model: {reason}",
            "zh": "这个模型无法计算 Grad-CAM：{reason}",
        },
        "ch.explain.what_gradcam": {
            "en": "**Grad-CAM** looks inside: it weighs the last convolution's feature maps by how strongly the class score changes with each map (its gradient). It shows what the network's own features respond to, at the coarse resolution of that layer.",
            "zh": "**Grad-CAM** 从内部看：它用类别分数对每张特征图的变化率（梯度）给最后一个卷积层的特征图加权。它显示网络自身的特征对什么有反应，分辨率是那一层的粗略分辨率。",
        },
        "ch.explain.what_occlusion": {
            "en": "**Occlusion sensitivity** looks from outside: it hides one square of the picture under a grey patch, predicts again, and records how much the class probability drops. Red means hiding that part costs the most. It works for any model, one prediction per patch position.",
            "zh": "**遮挡敏感度**从外部看：用灰色方块遮住图像的一小块，再预测一次，记录该类别概率下降了多少。红色表示遮住这里损失最大。它适用于任何模型，每个遮挡位置做一次预测。",
        },
        "ch.explain.spearman": {"en": "Agreement (Spearman ρ)", "zh": "一致程度（斯皮尔曼 ρ）"},
        "ch.explain.iou": {"en": "Overlap of top 20% (IoU)", "zh": "前 20% 区域重合度（IoU）"},
        "ch.explain.largest_drop": {"en": "Largest probability drop", "zh": "最大概率下降"},
        "ch.explain.seconds": {"en": "Occlusion map time", "zh": "遮挡图耗时"},
        "ch.explain.how_agree": {
            "en": "ρ is Spearman's rank correlation of the two maps over the 32×32 pixels: 1 when both rank the pixels in the same order, 0 when unrelated, below 0 when opposed. The overlap compares each map's top 20% of pixels (intersection over union). Occlusion took {positions} predictions, timed just now on this machine ({machine}).",
            "zh": "ρ 是两张图在 32×32 个像素上的斯皮尔曼等级相关系数：两者给像素的排序相同时为 1，无关时为 0，相反时小于 0。重合度比较两张图中数值最高的 20% 像素（交并比）。遮挡图需要 {positions} 次预测，耗时刚在这台机器上测得（{machine}）。",
        },
        # 3. Phones and IoT
        "ch.export.intro": {
            "en": "A phone or a small IoT board cannot run TensorFlow, but it can run **LiteRT** (TensorFlow Lite). Here the model is exported three ways with Keras's own exporter: float32 (the same numbers), float16 (weights in half precision: half the size) and int8 (weights and activations as 8-bit integers, calibrated on a few hundred training images: a quarter of the size and integer arithmetic). Each file is then run by the LiteRT interpreter and measured beside Keras.",
            "zh": "手机或小型物联网设备无法运行 TensorFlow，但可以运行 **LiteRT**（TensorFlow Lite）。这里用 Keras 自带的导出功能把模型导出为三种格式：float32（数值相同）、float16（权重用半精度，体积减半）和 int8（权重和激活值都用 8 位整数，用几百张训练图像校准：体积约为四分之一，并使用整数运算）。然后用 LiteRT 解释器运行每个文件，并与 Keras 并排测量。",
        },
        "ch.export.no_test_set": {
            "en": "This model's test images are not available here, so it cannot be measured.",
            "zh": "这里没有这个模型的测试图像，无法测量。",
        },
        "ch.export.plan": {
            "en": "Accuracy is measured on all {images:,} test images of {dataset}; this takes a minute or two.",
            "zh": "准确率在 {dataset} 的全部 {images:,} 张测试图像上测量，需要一两分钟。",
        },
        "ch.export.start": {"en": "Export and measure", "zh": "导出并测量"},
        "ch.export.keras": {"en": "Keras (.keras, float32)", "zh": "Keras（.keras，float32）"},
        "ch.export.col.format": {"en": "Format", "zh": "格式"},
        "ch.export.col.size": {"en": "File size", "zh": "文件大小"},
        "ch.export.col.size_ratio": {"en": "× Keras size", "zh": "相对 Keras 大小"},
        "ch.export.col.accuracy": {"en": "Test accuracy", "zh": "测试准确率"},
        "ch.export.col.agreement": {"en": "Same answer as Keras", "zh": "与 Keras 结果相同"},
        "ch.export.col.p50": {"en": "One image, median", "zh": "单张图像，中位数"},
        "ch.export.col.p95": {"en": "One image, 95th percentile", "zh": "单张图像，第 95 百分位"},
        "ch.export.col.batch": {"en": "Batch throughput", "zh": "批量吞吐量"},
        "ch.export.measured": {
            "en": "Measured just now on this machine ({machine}): accuracy on {images:,} test images of {dataset}; one-image latency over {calls} calls of the app's own prediction (Keras) or one interpreter call (LiteRT); throughput of one batch of {batch:,} images (Keras's predict against one interpreter call).",
            "zh": "刚在这台机器上测得（{machine}）：准确率基于 {dataset} 的 {images:,} 张测试图像；单张图像延迟为 {calls} 次调用（Keras 用本应用自己的预测，LiteRT 用一次解释器调用）；吞吐量为一批 {batch:,} 张图像（Keras 的 predict 对比一次解释器调用）。",
        },
        "ch.export.download": {"en": "{flavour} .tflite ({size:,.0f} KB)", "zh": "{flavour} .tflite（{size:,.0f} KB）"},
        # 4. Privacy
        "ch.privacy.intro": {
            "en": "Photos often show people. **Federated learning** trains without collecting them: each simulated device keeps its own images and trains on them, only the weights travel to a server that averages them (FedAvg), round after round. The simulation uses Flower, whose same device code could run on real phones. Compare it with a central run that saw the same images the same number of times.",
            "zh": "照片里常常有人。**联邦学习**不收集照片也能训练：每台模拟设备保留自己的图像并在本地训练，只有权重被发送到服务器，服务器把它们平均（FedAvg），一轮接一轮。模拟使用 Flower 框架，同样的设备端代码也能在真实手机上运行。与一次看过相同图像、相同次数的集中式训练进行比较。",
        },
        "ch.privacy.devices": {"en": "Devices", "zh": "设备数"},
        "ch.privacy.rounds": {"en": "Rounds", "zh": "轮数"},
        "ch.privacy.local_epochs": {"en": "Epochs on each device per round", "zh": "每轮每台设备的训练轮数"},
        "ch.privacy.limit": {"en": "Images per split", "zh": "每个划分的图像数"},
        "ch.privacy.split": {"en": "Each device's photos", "zh": "每台设备的照片"},
        "ch.privacy.split.iid": {"en": "random (every class)", "zh": "随机（各类别都有）"},
        "ch.privacy.split.skewed": {"en": "skewed to a few classes", "zh": "偏向少数类别"},
        "ch.privacy.alpha": {
            "en": "Skew: Dirichlet α (small = few classes per device)",
            "zh": "偏斜程度：狄利克雷 α（越小每台设备的类别越少）",
        },
        "ch.privacy.dp": {
            "en": "Differential privacy (clip each update, add noise)",
            "zh": "差分隐私（裁剪每个更新并加噪声）",
        },
        "ch.privacy.dp_help": {
            "en": "Each device clips its change of the weights to norm C; the server adds Gaussian noise (standard deviation z·C / devices) to the average. ε says how much one device's data can change what the server learns (smaller is more private), computed by Flower's accountant (Google's dp-accounting).",
            "zh": "每台设备把权重的变化裁剪到范数 C 以内；服务器在平均值上加入高斯噪声（标准差 z·C / 设备数）。ε 表示一台设备的数据最多能改变服务器学到的内容多少（越小越隐私），由 Flower 的隐私核算器（Google 的 dp-accounting）计算。",
        },
        "ch.privacy.dp_short": {"en": "Differential privacy", "zh": "差分隐私"},
        "ch.privacy.history": {"en": "Your simulations so far", "zh": "你做过的模拟"},
        "ch.privacy.noise": {"en": "Noise multiplier z", "zh": "噪声系数 z"},
        "ch.privacy.clip": {"en": "Clipping norm C", "zh": "裁剪范数 C"},
        "ch.privacy.delta": {"en": "δ", "zh": "δ"},
        "ch.privacy.start": {"en": "Start the simulation", "zh": "开始模拟"},
        "ch.privacy.stopped": {"en": "Stopped after {rounds} round(s).", "zh": "在第 {rounds} 轮后停止。"},
        "ch.privacy.federated": {"en": "Federated", "zh": "联邦学习"},
        "ch.privacy.central": {"en": "Central, same examples seen", "zh": "集中式（看过相同样本）"},
        "ch.privacy.round": {"en": "Round", "zh": "轮次"},
        "ch.privacy.col.sent": {"en": "Sent by each device", "zh": "每台设备发送"},
        "ch.privacy.col.received": {"en": "Received by each device", "zh": "每台设备接收"},
        "ch.privacy.col.seconds": {"en": "Round time", "zh": "本轮耗时"},
        "ch.privacy.epsilon": {"en": "ε (δ = {delta})", "zh": "ε（δ = {delta}）"},
        "ch.privacy.elapsed": {"en": "Time", "zh": "耗时"},
        "ch.privacy.leaves": {"en": "What leaves a device", "zh": "离开设备的内容"},
        "ch.privacy.leaves_detail": {
            "en": "Each round, each device sends the server {arrays} weight arrays ({numbers:,} numbers, {size:,.0f} KB) and four numbers about its training: {metrics}. In {rounds} round(s) the server received {total:.1f} MB in all, and nothing else: this is what the server's strategy recorded.",
            "zh": "每一轮，每台设备向服务器发送 {arrays} 个权重数组（{numbers:,} 个数，{size:,.0f} KB）以及关于训练的四个数：{metrics}。{rounds} 轮中服务器一共收到 {total:.1f} MB，此外没有别的：这是服务器端策略记录下的内容。",
        },
        "ch.privacy.stays": {"en": "What never leaves a device", "zh": "从不离开设备的内容"},
        "ch.privacy.stays_detail": {
            "en": "The {images:,} photos and their labels, spread over {devices} devices as below.",
            "zh": "{images:,} 张照片及其标签，按下图分布在 {devices} 台设备上。",
        },
        "ch.privacy.device": {"en": "Device", "zh": "设备"},
        "ch.privacy.images": {"en": "Images", "zh": "图像数"},
        "ch.privacy.measured": {
            "en": "Simulated on this machine ({machine}, {precision} arithmetic); both runs saw {seen:,} examples.",
            "zh": "在这台机器上模拟（{machine}，{precision} 运算）；两种训练都看过 {seen:,} 个样本。",
        },
        "ch.privacy.dp_note": {
            "en": "This is device-level privacy: it protects everything one device holds, not single photos. With all {devices} devices in every round there is no random sampling to amplify it, so ε stays large unless the noise is large, and the accuracy pays for it.",
            "zh": "这是设备级的隐私保护：保护一台设备拥有的全部数据，而不是单张照片。由于每一轮所有 {devices} 台设备都参与，没有随机抽样来放大隐私效果，所以除非噪声很大，ε 会一直很大，而准确率会为此付出代价。",
        },
        # Package messages (classifier/export.py, explain.py, sweep.py, federated.py)
        "msg.export.no_runtime": {
            "en": "the LiteRT runtime (ai-edge-litert) is not installed: pip install -r requirements-challenges.txt",
            "zh": "没有安装 LiteRT 运行时（ai-edge-litert）：请运行 pip install -r requirements-challenges.txt",
        },
        "msg.export.flavour": {
            "en": "unknown export flavour '{flavour}'; choose one of {choices}",
            "zh": "未知的导出格式 '{flavour}'；请从 {choices} 中选择",
        },
        "msg.export.failed": {
            "en": "the model could not be converted to {flavour}: {reason}",
            "zh": "模型无法转换为 {flavour}：{reason}",
        },
        "msg.export.flex_ops": {
            "en": "the {flavour} file needs TensorFlow operators a phone's LiteRT runtime lacks: {ops}",
            "zh": "{flavour} 文件需要手机上的 LiteRT 运行时没有的 TensorFlow 运算：{ops}",
        },
        "msg.export.not_integer": {
            "en": "this model cannot be made full-integer int8: {ops} would still compute in floating point; use float16, or a network of standard layers",
            "zh": "这个模型无法完全转换为 int8 整数运算：{ops} 仍需浮点运算；请使用 float16，或只由标准层组成的网络",
        },
        "msg.export.no_representative": {
            "en": "int8 needs representative training images to calibrate; none were given",
            "zh": "int8 需要有代表性的训练图像来校准，但没有提供",
        },
        "msg.export.progress.convert": {"en": "converting to {flavour}", "zh": "正在转换为 {flavour}"},
        "msg.export.progress.accuracy": {
            "en": "{flavour}: testing on {images:,} images",
            "zh": "{flavour}：正在用 {images:,} 张图像测试",
        },
        "msg.export.progress.latency": {
            "en": "{flavour}: timing single images and a batch",
            "zh": "{flavour}：正在测量单张图像和一批图像的耗时",
        },
        "msg.explain.patch": {
            "en": "the patch must be 1 to {largest} pixels wide (got {patch})",
            "zh": "遮挡块的宽度必须是 1 到 {largest} 像素（现在是 {patch}）",
        },
        "msg.explain.stride": {
            "en": "the stride must be 1 to {patch} pixels (got {stride})",
            "zh": "步长必须是 1 到 {patch} 像素（现在是 {stride}）",
        },
        "msg.explain.class": {
            "en": "class {index} does not exist; the model has {count} classes",
            "zh": "类别 {index} 不存在；模型只有 {count} 个类别",
        },
        "msg.sweep.fraction": {
            "en": "each fraction must be more than 0 and at most 1 (got {value})",
            "zh": "每个比例都必须大于 0 且不超过 1（现在是 {value}）",
        },
        "msg.sweep.fraction_text": {
            "en": "fractions must be numbers separated by commas, like 0.02,0.1,1 (got '{text}')",
            "zh": "比例必须是用逗号分隔的数字，例如 0.02,0.1,1（现在是 '{text}'）",
        },
        "msg.sweep.empty": {"en": "choose at least one fraction of the training set", "zh": "请至少选择一个训练集比例"},
        "msg.sweep.too_many": {
            "en": "{count} runs is too many for one sweep; the limit is {limit}",
            "zh": "一次扫描 {count} 次训练太多了；上限是 {limit}",
        },
        "msg.federated.no_engine": {
            "en": "Flower's simulation engine is not installed: pip install -r requirements-challenges.txt",
            "zh": "没有安装 Flower 的模拟引擎：请运行 pip install -r requirements-challenges.txt",
        },
        "msg.federated.devices": {
            "en": "the number of devices must be 2 to {largest} (got {devices})",
            "zh": "设备数必须是 2 到 {largest}（现在是 {devices}）",
        },
        "msg.federated.rounds": {
            "en": "the number of rounds must be 1 to {largest} (got {rounds})",
            "zh": "轮数必须是 1 到 {largest}（现在是 {rounds}）",
        },
        "msg.federated.local_epochs": {
            "en": "local epochs must be 1 to 20 (got {epochs})",
            "zh": "本地训练轮数必须是 1 到 20（现在是 {epochs}）",
        },
        "msg.federated.alpha": {
            "en": "α must be a positive number, e.g. 0.1 (very skewed) to 100 (almost random); got {alpha}",
            "zh": "α 必须是正数，例如 0.1（非常偏斜）到 100（几乎随机）；现在是 {alpha}",
        },
        "msg.federated.too_many_devices": {
            "en": "{devices} devices cannot share {images} training images (each needs at least {minimum}); use fewer devices or more images",
            "zh": "{devices} 台设备无法分享 {images} 张训练图像（每台至少需要 {minimum} 张）；请减少设备或增加图像",
        },
        "msg.federated.too_skewed": {
            "en": "with α = {alpha}, some of the {devices} devices keep getting fewer than {minimum} images; use a larger α, fewer devices or more images",
            "zh": "α = {alpha} 时，{devices} 台设备中总有一些分到的图像少于 {minimum} 张；请增大 α、减少设备或增加图像",
        },
        "msg.federated.dp": {
            "en": "differential privacy needs a noise multiplier above 0 and a clipping norm above 0 (got {noise} and {clip})",
            "zh": "差分隐私需要大于 0 的噪声系数和大于 0 的裁剪范数（现在是 {noise} 和 {clip}）",
        },
        "msg.federated.delta": {
            "en": "δ must be between 0 and 1, e.g. 1e-5 (got {delta})",
            "zh": "δ 必须在 0 和 1 之间，例如 1e-5（现在是 {delta}）",
        },
        "msg.federated.busy": {
            "en": "another federated simulation is running in this server; wait for it to finish",
            "zh": "服务器上正在运行另一个联邦学习模拟；请等它结束",
        },
        "msg.federated.failed": {"en": "the simulation failed: {reason}", "zh": "模拟失败：{reason}"},
        "msg.federated.progress.start": {
            "en": "starting Flower's simulation engine (Ray) with {devices} devices",
            "zh": "正在启动 Flower 的模拟引擎（Ray），共 {devices} 台设备",
        },
        "msg.federated.progress.round": {
            "en": "round {round} of {rounds}: test accuracy {accuracy:.1%}",
            "zh": "第 {round} / {rounds} 轮：测试准确率 {accuracy:.1%}",
        },
        "msg.federated.progress.central": {
            "en": "central run for comparison: epoch {epoch} of {epochs}",
            "zh": "用于比较的集中式训练：第 {epoch} / {epochs} 轮",
        },
    }
)


def language() -> str:
    chosen = st.session_state.get("language", DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _template(key: str) -> str:
    entry = TEXT[key]
    return entry.get(language()) or entry[DEFAULT_LANGUAGE]


def t(key: str, **values) -> Markdown:
    """The text for `key` in the current language, with `values` filled in, for anything Streamlit
    renders as Markdown (nearly every element and label): text values are escaped, so a run name,
    file name, class name or URL parameter always reads as typed and never becomes a link or image."""
    text = _template(key)
    return Markdown(text.format(**{k: markdown_value(v) for k, v in values.items()}) if values else text)


def t_text(key: str, **values) -> str:
    """The same text for widgets that show text as text (select-box and multiselect options, table
    cells, Vega-Lite charts): values are only trimmed (`ui.text.shown`), never escaped."""
    text = _template(key)
    return text.format(**{k: shown(v) if isinstance(v, str) else v for k, v in values.items()}) if values else text


def say(message: Message | BaseException) -> Markdown:
    """A package message (or any exception) in the reader's language, as Markdown: the message's
    parameters (file names, values echoed back, reasons) are escaped and cut to a readable length."""
    if isinstance(message, BaseException):
        message = as_message(message)
    return Markdown(render(_shown_params(message), _message_templates(language())))


def _shown_params(message: Message) -> Message:
    """Parameters made safe to show: a hyperparameter's name becomes its control's label, nested
    messages are treated alike, any other text is escaped (`ui.text.plain`)."""
    params = {}
    for name, value in message.params.items():
        if isinstance(value, Message):
            value = _shown_params(value)
        elif name == "field" and isinstance(value, str) and f"train.{value}" in TEXT:
            value = t(f"train.{value}")
        else:
            value = markdown_value(value)
        params[name] = value
    return Message(message.code, params)


@functools.cache
def _message_templates(lang: str) -> dict[str, str]:
    return {
        key[4:]: entry.get(lang) or entry[DEFAULT_LANGUAGE] for key, entry in TEXT.items() if key.startswith("msg.")
    }


def class_names(classes) -> tuple[str, ...]:
    """Class names to show: the built-in sets' (CIFAR-10, shapes) in the reader's language, any
    other set's as they are. Display only; the model's labels stay as they are."""
    classes = tuple(classes)
    for prefix, names in _CLASS_SETS.items():
        if classes == names:
            return tuple(t(f"{prefix}.{name}") for name in names)
    return classes


_CLASS_SETS = {
    prefix: tuple(key[len(prefix) + 1 :] for key in TEXT if key.startswith(prefix + "."))
    for prefix in ("class.cifar10", "class.shapes")
}


def labels(prefix: str, options) -> dict:
    """Option -> translated label, for a widget's format_func (a plain lookup, fixed at render
    time, so the label does not depend on who calls it later)."""
    return {option: t(f"{prefix}.{option}") for option in options}


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return t("duration.under_second")
    seconds = int(round(seconds))
    if seconds < 60:
        return t("duration.seconds", s=seconds)
    if seconds < 3600:
        return t("duration.minutes", m=seconds // 60, s=seconds % 60)
    return t("duration.hours", h=seconds // 3600, m=seconds % 3600 // 60)


def language_switch() -> None:
    """The sidebar switch. The session remembers the choice and the URL shows it (?lang=zh),
    so a teacher can hand out a link in either language; a link's language wins when opened."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES and asked != st.session_state.get("language_from_url"):
        st.session_state.language = st.session_state.language_from_url = asked
    st.session_state.setdefault("language", DEFAULT_LANGUAGE)
    st.session_state.language_widget = st.session_state.language
    st.sidebar.segmented_control(
        f"{TEXT['language']['en']} · {TEXT['language']['zh']}",
        list(LANGUAGES),
        key="language_widget",
        format_func=LANGUAGES.get,
        required=True,
        on_change=_language_chosen,
    )
    if st.session_state.language == DEFAULT_LANGUAGE:
        st.query_params.pop("lang", None)
    elif st.query_params.get("lang") != st.session_state.language:
        st.query_params["lang"] = st.session_state.language
    declare_page_language()


def html_lang(lang: str | None) -> str:
    """The <html lang> value for one of LANGUAGES' codes (anything else: the default language's)."""
    return HTML_LANG.get(lang or "", HTML_LANG[DEFAULT_LANGUAGE])


def declare_page_language() -> None:
    """Set <html lang> in the browser to the session's language: the server sends the page with the
    address's language (ui/__init__.py), this keeps it right after a switch in the sidebar, which
    changes the address without loading the page again. Streamlit runs the script only when the
    text changes, i.e. when the language does; the value is one of HTML_LANG's, never user text."""
    code = html_lang(language())
    st.sidebar.html(
        f'<script>document.documentElement.lang = "{code}";</script>',
        unsafe_allow_javascript=True,
    )


def _language_chosen() -> None:
    st.session_state.language = st.session_state.language_widget
    # The address still says the old language during this rerun: remember it as already applied,
    # or it would switch the page straight back (from a ?lang=zh link, English was unreachable).
    st.session_state.language_from_url = st.query_params.get("lang")


# --- Learn page (pages/learn.py) and the messages of classifier.learn / classifier.probe --------
TEXT.update(
    {
        "nav.learn": {"en": "Learn", "zh": "动手学原理"},
        "home.go_learn": {"en": "Work the formulas", "zh": "动手算公式"},
        "inside.go_learn": {
            "en": "Work the formulas on this network (Learn)",
            "zh": "在这个网络上动手算公式（动手学原理）",
        },
        "learn.title": {"en": "Learn: the formulas, computed by your network", "zh": "动手学原理：用你的网络算公式"},
        "learn.intro": {
            "en": "Each section takes one formula of the tutorial (§3.3) and works it out with the numbers of the "
            "model you pick, beside the value Keras itself computed. The last one tests a claim of the tutorial.",
            "zh": "每一部分取教程（§3.3）中的一个公式，用你所选模型的真实数值一步步算出来，并与 Keras 自己算出的结果并列对照。"
            "最后一部分检验教程中的一个说法。",
        },
        "learn.float32_note": {
            "en": "This model computes in {dtype} for speed (about three significant digits). Here Keras runs the "
            "same weights in float32, so that the formula and Keras can agree to 0.0001.",
            "zh": "该模型为了速度使用 {dtype} 计算（约三位有效数字）。这里 Keras 用 float32 运行相同的权重，"
            "这样公式与 Keras 的结果才能在 0.0001 以内一致。",
        },
        "learn.pick_image": {"en": "Pick or upload an image first.", "zh": "请先选择或上传一张图片。"},
        "learn.section": {"en": "Formula", "zh": "公式"},
        "learn.section.conv": {"en": "1 · Convolution", "zh": "1 · 卷积"},
        "learn.section.pool": {"en": "2 · Max pooling", "zh": "2 · 最大池化"},
        "learn.section.loss": {"en": "3 · Cross-entropy", "zh": "3 · 交叉熵"},
        "learn.section.step": {"en": "4 · Gradient descent", "zh": "4 · 梯度下降"},
        "learn.section.probe": {"en": "5 · Shift, turn, resize", "zh": "5 · 平移、旋转、缩放"},
        "learn.true_label": {"en": "True class: **{label}**", "zh": "真实类别：**{label}**"},
        "learn.true_class": {"en": "What does the image really show?", "zh": "这张图片实际上是什么？"},
        "learn.true_class_placeholder": {"en": "Choose its true class", "zh": "选择它的真实类别"},
        "learn.true_class_needed": {
            "en": "Say what your image shows: the loss and the probe need its true class.",
            "zh": "请说明你的图片是什么：计算损失和做变换检验都需要它的真实类别。",
        },
        "learn.formula_value": {"en": "Formula", "zh": "公式计算"},
        "learn.keras_value": {"en": "Keras ({layer})", "zh": "Keras（{layer}）"},
        "learn.difference": {"en": "Difference", "zh": "差值"},
        "learn.agree": {
            "en": "The formula and Keras agree to 0.0001.",
            "zh": "公式结果与 Keras 一致（相差不到 0.0001）。",
        },
        "learn.disagree": {
            "en": "The formula and Keras differ by {difference:.2g}.",
            "zh": "公式结果与 Keras 相差 {difference:.2g}。",
        },
        "learn.padding": {
            "en": "Part of the kernel hangs over the edge: padding 'same' puts zeros there.",
            "zh": "卷积核有一部分超出了边缘：“same” 填充在那里补零。",
        },
        "learn.no_conv": {"en": "This model has no convolution layer (Conv2D).", "zh": "该模型没有卷积层（Conv2D）。"},
        "learn.no_pool": {"en": "This model has no max-pooling layer.", "zh": "该模型没有最大池化层。"},
        # 1. convolution
        "learn.conv.doc": {
            "en": "The tutorial's formula (§3.3.1): the output at (i, j) is the sum of the inputs under the kernel, "
            "each multiplied by the kernel's weight at that place.",
            "zh": "教程中的公式（§3.3.1）：位置 (i, j) 的输出，是卷积核覆盖下的每个输入值乘以卷积核在该处的权重，再全部相加。",
        },
        "learn.channels": {
            "en": "The {count} channels of {layer}, one map per filter: click one to choose it.",
            "zh": "{layer} 的 {count} 个通道，每个卷积核一张特征图：点击其中一张来选择它。",
        },
        "learn.conv.layer": {"en": "Convolution layer", "zh": "卷积层"},
        "learn.conv.channel": {"en": "Output channel c (one filter)", "zh": "输出通道 c（一个卷积核）"},
        "learn.conv.detail": {"en": "Input channel shown in detail", "zh": "详细展示的输入通道"},
        "learn.conv.click": {
            "en": "Click a cell of the feature map (right) to choose the output position (i, j); the patch under "
            "the kernel is outlined on the input (left).",
            "zh": "点击右侧特征图中的一个格子来选择输出位置 (i, j)；卷积核覆盖的区域会在左侧输入上框出。",
        },
        "learn.conv.input_image": {
            "en": "Input x: the 32×32 image (red, green, blue)",
            "zh": "输入 x：32×32 的图像（红、绿、蓝）",
        },
        "learn.conv.input_map": {
            "en": "Input x: the output of {source}, channel {channel} of {channels}",
            "zh": "输入 x：{source} 的输出，第 {channel} 个通道（共 {channels} 个）",
        },
        "learn.conv.output_map": {
            "en": "Output y: {layer}, channel {channel}, {rows}×{cols}; chosen (i, j) = ({i}, {j})",
            "zh": "输出 y：{layer} 的第 {channel} 个通道，{rows}×{cols}；已选 (i, j) = ({i}, {j})",
        },
        "learn.conv.covers_fused": {
            "en": "In **{layer}** Keras adds the bias b and applies the activation **{activation}** inside the "
            "layer itself, so the formula below gives the layer's output.",
            "zh": "在 **{layer}** 中，Keras 在层内部加上偏置 b 并应用激活函数 **{activation}**，"
            "所以下面的公式给出的就是这一层的输出。",
        },
        "learn.conv.covers_split": {
            "en": "**{layer}** is followed by {stages} as separate layers. The sum below is {layer}'s own output, "
            "before them: the number Keras gives for {layer}. The layers after it are worked out further down.",
            "zh": "**{layer}** 之后是独立的 {stages} 层。下面的求和是 {layer} 自己的输出（在这些层之前），"
            "也就是 Keras 为 {layer} 给出的数值；后面各层的计算在更下方。",
        },
        "learn.conv.real": {
            "en": "With several input channels, a stride s, a bias b and an activation f, as Keras computes it:",
            "zh": "考虑多个输入通道、步长 s、偏置 b 和激活函数 f 后，Keras 实际的计算是：",
        },
        "learn.conv.numbers": {
            "en": "The numbers for (i, j, c) = ({i}, {j}, {c})",
            "zh": "(i, j, c) = ({i}, {j}, {c}) 处的数值",
        },
        "learn.conv.slice": {
            "en": "Input channel {channel}: the patch x, the kernel k, and their products",
            "zh": "输入通道 {channel}：输入块 x、卷积核 k，以及它们逐个相乘的结果",
        },
        "learn.conv.channels_add": {
            "en": "Each of the {count} input channels gives its own sum S of P×Q products; the channel sums add "
            "up to the total. (The tutorial's formula has a single channel: just one S.)",
            "zh": "{count} 个输入通道各自给出一个 P×Q 个乘积之和 S；把各通道的和加起来得到总和。"
            "（教程中的公式只有一个通道，也就只有一个 S。）",
        },
        "learn.conv.channel_sums": {"en": "The {count} channel sums S", "zh": "{count} 个通道各自的和 S"},
        "learn.stage.bn": {
            "en": "Batch normalisation **{layer}**, with the running mean μ and variance σ² it learned in training, "
            "and its weights γ and β:",
            "zh": "批归一化 **{layer}**：使用训练中得到的滑动均值 μ、方差 σ²，以及它的权重 γ 和 β：",
        },
        "learn.stage.act": {"en": "Activation **{layer}**:", "zh": "激活层 **{layer}**："},
        # 2. pooling
        "learn.pool.doc": {
            "en": "The tutorial's formula (§3.3.2): the output is the largest input in the small window N.",
            "zh": "教程中的公式（§3.3.2）：输出是小窗口 N 中最大的那个输入值。",
        },
        "learn.pool.layer": {"en": "Pooling layer", "zh": "池化层"},
        "learn.pool.channel": {"en": "Channel c", "zh": "通道 c"},
        "learn.pool.click": {
            "en": "Click a cell of the pooled map (right); its window N is outlined on the map below it (left).",
            "zh": "点击右侧池化后的特征图中的一个格子；它对应的窗口 N 会在左侧的输入特征图上框出。",
        },
        "learn.image_word": {"en": "image", "zh": "图像"},
        "learn.pool.input": {
            "en": "Input x: the output of {source}, channel {channel}",
            "zh": "输入 x：{source} 的输出，第 {channel} 个通道",
        },
        "learn.pool.output": {
            "en": "Output y: {layer}, channel {channel}; chosen (i, j) = ({i}, {j})",
            "zh": "输出 y：{layer} 的第 {channel} 个通道；已选 (i, j) = ({i}, {j})",
        },
        "learn.pool.window": {
            "en": "The window N: rows {rows}, columns {cols} of the input, as the layer computes it; "
            "the maximum is boxed.",
            "zh": "窗口 N：输入的第 {rows} 行、第 {cols} 列（按该层的实际计算方式）；最大值已用方框标出。",
        },
        # 3. cross-entropy
        "learn.loss.doc": {
            "en": "The tutorial writes the cross-entropy for a yes/no label y and a predicted probability ŷ (§3.3.3):",
            "zh": "教程用是/否标签 y 和预测概率 ŷ 写出交叉熵（§3.3.3）：",
        },
        "learn.loss.onehot": {
            "en": "With {count} classes the label is one-hot: y = 1 for the true class and 0 for the others, so of "
            "the sum over classes only the true class's term is left. This is Keras's sparse categorical "
            "cross-entropy, the loss this network trains with:",
            "zh": "有 {count} 个类别时，标签是独热编码：真实类别 y = 1，其余为 0，所以对各类别求和后只剩真实类别那一项。"
            "这就是 Keras 的稀疏分类交叉熵，也就是这个网络训练时用的损失：",
        },
        "learn.loss.softmax": {
            "en": "The last layer turns its inputs z (the logits) into probabilities with the softmax:",
            "zh": "最后一层用 softmax 把它的输入 z（logits）变成概率：",
        },
        "learn.loss.no_logits": {
            "en": "This model's last layer does not show its inputs; the probabilities are Keras's own.",
            "zh": "该模型的最后一层没有单独给出它的输入；这里的概率是 Keras 自己的输出。",
        },
        "learn.col.class": {"en": "Class", "zh": "类别"},
        "learn.col.logit": {"en": "z (logit)", "zh": "z（logit）"},
        "learn.col.p": {"en": "p (formula)", "zh": "p（公式）"},
        "learn.col.keras_p": {"en": "p (Keras)", "zh": "p（Keras）"},
        "learn.col.true": {"en": "True class", "zh": "真实类别"},
        "learn.col.p_true": {"en": "p(true class)", "zh": "p(真实类别)"},
        "learn.col.loss": {"en": "−log p", "zh": "−log p"},
        "learn.loss.one": {"en": "For this image (true class {label}):", "zh": "对这张图片（真实类别 {label}）："},
        "learn.keras_loss": {
            "en": "Keras (sparse_categorical_crossentropy)",
            "zh": "Keras（sparse_categorical_crossentropy）",
        },
        "learn.loss.batch": {"en": "A batch of {count} test images", "zh": "一批 {count} 张测试图片"},
        "learn.loss.batch_caption": {
            "en": "The same {count} test images every time. The loss of a batch is the mean of its images' losses; "
            "Keras's model.evaluate on those images gives the same number.",
            "zh": "每次都是同样的 {count} 张测试图片。一批的损失是各图片损失的平均值；"
            "Keras 的 model.evaluate 在这些图片上给出同样的数值。",
        },
        "learn.evaluate": {"en": "Keras (model.evaluate)", "zh": "Keras（model.evaluate）"},
        "learn.loss.no_batch": {
            "en": "The batch needs the test images of the model's data set.",
            "zh": "计算一批的损失需要该模型数据集中的测试图片。",
        },
        "learn.loss.shape": {"en": "The shape of −log p", "zh": "−log p 的形状"},
        "learn.loss.shape_caption": {
            "en": "Move p, the probability given to the true class: near 1 the loss is almost 0; as p falls toward 0 "
            "the loss grows without bound, so a confident mistake costs far more than an unsure one.",
            "zh": "拖动 p（给真实类别的概率）：p 接近 1 时损失几乎为 0；p 趋近 0 时损失无限增大，"
            "所以“很有把握的错误”比“没把握的错误”代价大得多。",
        },
        "learn.loss.p": {"en": "p(true class)", "zh": "p(真实类别)"},
        "learn.loss.slider_mark": {"en": "slider", "zh": "滑块"},
        "learn.loss.image_mark": {"en": "this image", "zh": "这张图片"},
        # 4. gradient descent
        "learn.step.doc": {
            "en": "Gradient descent (§3.3.4) moves every weight θ a little against its gradient, by the learning "
            "rate α:",
            "zh": "梯度下降（§3.3.4）让每个权重 θ 沿梯度的反方向移动一小步，步长由学习率 α 决定：",
        },
        "learn.step.rate": {"en": "Learning rate α", "zh": "学习率 α"},
        "learn.step.variable": {"en": "Weights to watch", "zh": "观察的权重"},
        "learn.step.seed": {"en": "Which batch (seed)", "zh": "哪一批（随机种子）"},
        "learn.step.which": {
            "en": "Which of its {count:,} numbers to watch",
            "zh": "观察其中 {count:,} 个数中的哪一个",
        },
        "learn.step.which_auto": {"en": "the one with the largest gradient", "zh": "梯度最大的那个"},
        "learn.step.caption": {
            "en": "J(θ) is the mean cross-entropy of {count} fixed training images. The steps change a copy of the "
            "model kept for this browser tab only; the saved model stays as it is. Try a large α (1 or more) to see "
            "what too large a step does.",
            "zh": "J(θ) 是 {count} 张固定训练图片的平均交叉熵。每一步只修改为本浏览器标签页保存的模型副本，"
            "保存的模型不会改变。试试较大的 α（1 或更大），看看步子太大会怎样。",
        },
        "learn.step.one": {"en": "Take one step", "zh": "走一步"},
        "learn.step.ten": {"en": "Take 10 steps", "zh": "走 10 步"},
        "learn.step.reset": {"en": "Start again from the model", "zh": "从原模型重新开始"},
        "learn.step.none": {
            "en": "Press *Take one step*: the gradient is computed with tf.GradientTape and every weight moves once.",
            "zh": "点击“走一步”：用 tf.GradientTape 计算梯度，所有权重各移动一次。",
        },
        "learn.step.weight": {
            "en": "The weight {variable}[{index}], in this step:",
            "zh": "权重 {variable}[{index}] 在这一步中：",
        },
        "learn.step.keras": {"en": "Keras (SGD.apply_gradients)", "zh": "Keras（SGD.apply_gradients）"},
        "learn.step.keras_check": {
            "en": "keras.optimizers.SGD(α) applied to the same gradients on the copy moves every weight to the same "
            "place: the largest difference over all weights is {difference:.1e}.",
            "zh": "在副本上用 keras.optimizers.SGD(α) 应用同样的梯度，每个权重都移到同样的位置：所有权重中的最大差值为 {difference:.1e}。",
        },
        "learn.step.loss_before": {"en": "Batch loss before the step", "zh": "这一步之前的批损失"},
        "learn.step.loss_after": {"en": "Batch loss after the step", "zh": "这一步之后的批损失"},
        "learn.step.blowup": {
            "en": "The loss went up: α = {rate:g} is too large. The step jumps past the bottom of the valley of J, "
            "and each further step makes it worse. Pick a smaller α, or start again.",
            "zh": "损失反而上升了：α = {rate:g} 太大。这一步越过了 J 的谷底，再走下去只会更糟。请选小一点的 α，或重新开始。",
        },
        "learn.step.nan": {
            "en": "The loss is no longer a number: the weights overflowed. Start again from the model.",
            "zh": "损失已不再是一个数：权重溢出了。请从原模型重新开始。",
        },
        "learn.step.curve": {"en": "The batch loss, step by step", "zh": "批损失，一步一步"},
        "learn.step.col.step": {"en": "Step", "zh": "步数"},
        "learn.step.col.loss": {"en": "Batch loss J", "zh": "批损失 J"},
        "learn.step.no_data": {
            "en": "Gradient descent needs the training images of the model's data set.",
            "zh": "梯度下降需要该模型数据集中的训练图片。",
        },
        # 5. the invariance probe
        "learn.probe.doc": {
            "en": "The tutorial says (§2.3, and again in its FAQ) that a CNN is robust to rotation, translation and "
            "change of scale. Check it on your model: the image is shifted, turned and resized step by step, "
            "and every version goes through the model.",
            "zh": "教程（§2.3 以及常见问题）说卷积神经网络对旋转、平移和尺度变化具有鲁棒性。在你的模型上检验一下："
            "把图片一步步平移、旋转、缩放，每个版本都交给模型判断。",
        },
        "learn.probe.compare": {"en": "Compare with a second model", "zh": "与第二个模型比较"},
        "learn.probe.other_classes": {
            "en": "The second model knows other classes; it cannot be compared on this image.",
            "zh": "第二个模型认识的类别不同，无法在这张图片上比较。",
        },
        "learn.probe.what": {
            "en": "Each point is one version of the image, drawn above the chart. The line is the probability the "
            "model gives the true class ({label}); the word at each point is the class it predicts, and a "
            "cross marks a version it gets wrong. What comes in from beyond the edge is the picture mirrored.",
            "zh": "每个点对应图片的一个版本（画在图表上方）。折线是模型给真实类别（{label}）的概率；"
            "每个点旁的文字是模型预测的类别，叉号表示预测错误。超出原图边缘的部分用镜像填充。",
        },
        "learn.probe.sweep.shift": {"en": "Shift", "zh": "平移"},
        "learn.probe.sweep.rotate": {"en": "Rotation", "zh": "旋转"},
        "learn.probe.sweep.scale": {"en": "Scale", "zh": "缩放"},
        "learn.probe.axis.shift": {"en": "pixels to the right", "zh": "向右平移的像素"},
        "learn.probe.axis.rotate": {"en": "degrees, counter-clockwise", "zh": "逆时针旋转的角度"},
        "learn.probe.axis.scale": {"en": "size (×)", "zh": "缩放倍数（×）"},
        "learn.probe.p_true": {"en": "p(true class)", "zh": "p(真实类别)"},
        "learn.probe.predicted": {"en": "predicted", "zh": "预测"},
        "learn.probe.kept": {
            "en": "{model}: the true class in {kept} of {count} versions; its probability from {low:.0%} to {high:.0%}.",
            "zh": "{model}：{count} 个版本中有 {kept} 个判为真实类别；其概率在 {low:.0%} 到 {high:.0%} 之间。",
        },
        # Messages of classifier.learn and classifier.probe
        "msg.learn.no_layer": {
            "en": "the model has no layer called {layer} (choose from: {choices})",
            "zh": "模型中没有名为 {layer} 的层（可选：{choices}）",
        },
        "msg.learn.not_conv": {
            "en": "{layer} is a {kind} layer, not a convolution (convolutions: {choices})",
            "zh": "{layer} 是 {kind} 层，不是卷积层（卷积层：{choices}）",
        },
        "msg.learn.not_pool": {
            "en": "{layer} is a {kind} layer, not max pooling (max-pooling layers: {choices})",
            "zh": "{layer} 是 {kind} 层，不是最大池化层（最大池化层：{choices}）",
        },
        "msg.learn.bad_position": {
            "en": "position {at} is outside {layer}'s output of {shape} (row, column, channel count from 0)",
            "zh": "位置 {at} 超出了 {layer} 的输出范围 {shape}（行、列、通道均从 0 开始计数）",
        },
        "msg.learn.hidden_input": {
            "en": "the input of {layer} comes from {source}, a layer whose output cannot be shown here",
            "zh": "{layer} 的输入来自 {source}，这里无法显示该层的输出",
        },
        "msg.learn.activation": {
            "en": "the activation {activation} is not one the formulas here cover",
            "zh": "这里的公式不支持激活函数 {activation}",
        },
        "msg.learn.conv_kind": {
            "en": "{layer} is a grouped or channels-first layer, which the formulas here do not cover",
            "zh": "{layer} 是分组卷积或通道在前的层，这里的公式不支持",
        },
        "msg.learn.cannot_copy": {
            "en": "this model cannot be taken apart layer by layer ({reason})",
            "zh": "无法逐层拆解这个模型（{reason}）",
        },
        "msg.learn.bad_label": {
            "en": "class {label} is not one of the model's {count} classes",
            "zh": "类别 {label} 不在该模型的 {count} 个类别之中",
        },
        "msg.learn.unknown_class": {
            "en": "{label} is not a class of this model (classes: {choices})",
            "zh": "{label} 不是该模型的类别（类别：{choices}）",
        },
        "msg.learn.bad_rate": {
            "en": "the learning rate must be a number above 0 and at most 100 (got {rate})",
            "zh": "学习率必须大于 0 且不超过 100（收到 {rate}）",
        },
        "msg.learn.no_variable": {
            "en": "the model has no trainable weights called {variable} (choose from: {choices})",
            "zh": "模型中没有名为 {variable} 的可训练权重（可选：{choices}）",
        },
        "msg.learn.bad_index": {
            "en": "index {index} is outside the weights' shape {shape}",
            "zh": "索引 {index} 超出了权重的形状 {shape}",
        },
        "msg.probe.bad_sweep": {
            "en": "unknown sweep {sweep} (choose from: {choices})",
            "zh": "未知的变换 {sweep}（可选：{choices}）",
        },
        "msg.probe.bad_image": {
            "en": "the probe needs a 32×32 RGB image, got an array of shape {shape}",
            "zh": "需要一张 32×32 的 RGB 图片，收到的数组形状为 {shape}",
        },
    }
)

# the Ray back-end (classifier/engine/cluster.py)
TEXT.update(
    {
        "msg.cluster.ray_missing": {
            "en": "the Ray back-end needs Ray: pip install -r requirements-challenges.txt",
            "zh": "Ray 后端需要安装 Ray：pip install -r requirements-challenges.txt",
        },
        "msg.cluster.unreachable": {
            "en": "cannot join the Ray cluster at {address}: {detail}",
            "zh": "无法连接位于 {address} 的 Ray 集群：{detail}",
        },
        "msg.cluster.loopback_too_late": {
            "en": "Ray was imported before the engine could keep {address} on loopback: set RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 before starting",
            "zh": "Ray 在引擎把 {address} 限定在本机回环地址之前就已加载：请在启动前设置 RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0",
        },
        "msg.cluster.no_actor": {
            "en": "run {run_id} is not training on the cluster (its status: {status})",
            "zh": "训练 {run_id} 不在集群上运行（当前状态：{status}）",
        },
        "msg.cluster.node_lost": {
            "en": "the machine training it left the cluster during epoch {epoch}; resume continues from the checkpoint of epoch {checkpoint}",
            "zh": "负责训练的机器在第 {epoch} 轮时离开了集群；继续训练会从第 {checkpoint} 轮的检查点开始",
        },
        "msg.cluster.node_lost_first_epoch": {
            "en": "the machine training it left the cluster during the first epoch; resume starts it again",
            "zh": "负责训练的机器在第一轮时离开了集群；继续训练会从头开始",
        },
    }
)


# --- Learning over time (ui/timeline.py) and clickable results charts (issue 10, part B) ---------
TEXT.update(
    {
        "msg.timeline.unwritable": {
            "en": "the filters and feature maps of this epoch could not be recorded ({detail}); "
            "training goes on, but the replay over epochs will miss them",
            "zh": "本轮的卷积核和特征图未能记录（{detail}）；训练照常继续，但按轮回放时会缺少这些内容",
        },
        "timeline.tab": {"en": "Over the epochs", "zh": "逐轮变化"},
        "timeline.title": {"en": "Learning over time", "zh": "学习的过程"},
        "timeline.intro": {
            "en": "The first layer's filters and what each convolution makes of one fixed test image, recorded "
            "during training: {count} snapshots, from random initialisation to epoch {last}. Drag the slider "
            "or press Play.",
            "zh": "训练时记录下的第一层卷积核，以及每个卷积层对同一张固定测试图片的响应：共 {count} 个快照，"
            "从随机初始化一直到第 {last} 轮。拖动滑块或按“播放”。",
        },
        "timeline.none": {
            "en": "No snapshots over the epochs for this model: only runs trained in this version of the app "
            "record them (the built-in model and uploaded files have none).",
            "zh": "这个模型没有逐轮快照：只有在本版本应用中训练的运行才会记录（内置模型和上传的文件没有）。",
        },
        "timeline.builtin": {
            "en": "Pick one of the runs above to replay how its filters and feature maps grew, epoch by epoch; "
            "the built-in model and uploaded files have no such record.",
            "zh": "在上方选择一次训练，即可逐轮回放它的卷积核和特征图是怎样形成的；内置模型和上传的文件没有这类记录。",
        },
        "timeline.play": {"en": "Play", "zh": "播放"},
        "timeline.pause": {"en": "Pause", "zh": "暂停"},
        "timeline.epoch": {"en": "Epoch", "zh": "轮次"},
        "timeline.initial": {"en": "0 · random initialisation", "zh": "0 · 随机初始化"},
        "timeline.after": {"en": "after epoch {epoch}", "zh": "第 {epoch} 轮之后"},
        "timeline.initial_note": {
            "en": "**0 · random initialisation**: the weights as Keras drew them, before any training. The filters "
            "are noise; the maps are what noise makes of the picture.",
            "zh": "**0 · 随机初始化**：Keras 随机生成、尚未经过任何训练的权重。卷积核只是噪声，特征图就是噪声对图片的响应。",
        },
        "timeline.train_accuracy": {"en": "training accuracy {value:.1%}", "zh": "训练准确率 {value:.1%}"},
        "timeline.val_accuracy": {"en": "validation accuracy {value:.1%}", "zh": "验证准确率 {value:.1%}"},
        "timeline.probe": {"en": "The fixed test image", "zh": "固定的测试图片"},
        "timeline.filters": {
            "en": "**First-layer filters** ({count}, {size}×{size}, each scaled to its own range)",
            "zh": "**第一层卷积核**（{count} 个，{size}×{size}，各自按自身范围缩放显示）",
        },
        "timeline.layer": {"en": "Feature maps of", "zh": "特征图所在层"},
        "timeline.maps": {
            "en": "{layer}: {count} maps of {size} (after the activation)",
            "zh": "{layer}：{count} 张 {size} 的特征图（激活之后）",
        },
        "timeline.change": {
            "en": "How far the filters moved from their start (‖W − W₀‖ / ‖W₀‖)",
            "zh": "卷积核离初始值有多远（‖W − W₀‖ / ‖W₀‖）",
        },
        "results.cell_hover": {
            "en": "true {true}, predicted {predicted}: {count} images (click to see them)",
            "zh": "真实 {true}，预测 {predicted}：{count} 张图片（点击查看）",
        },
        "results.click_hint": {
            "en": "Click a cell of the confusion matrix to see its test images, or a bar to see that class's mistakes.",
            "zh": "点击混淆矩阵的格子可查看其中的测试图片，点击柱形可查看该类别的错误。",
        },
        "results.cell_right": {
            "en": "{name} recognised as {name}: {count} images, the surest first",
            "zh": "{name} 被正确识别为 {name}：共 {count} 张，最有把握的在前",
        },
        "results.cell_wrong": {
            "en": "{true} taken for {predicted}: {count} images, the surest first",
            "zh": "{true} 被误认为 {predicted}：共 {count} 张，最有把握的在前",
        },
        "results.class_mistakes": {
            "en": "Mistakes on {name}: {count} images, the surest first",
            "zh": "{name} 的错误：共 {count} 张，最有把握的在前",
        },
        "results.gallery_first": {"en": "The first {shown} of {total}.", "zh": "显示 {total} 张中的前 {shown} 张。"},
        "results.show_all_mistakes": {"en": "Back to the surest mistakes", "zh": "回到最有把握的错误"},
        "results.cell_empty": {"en": "No test image falls in this cell.", "zh": "没有测试图片落在这个格子里。"},
        "runs.click_row": {
            "en": "Click a row to open that run's results below.",
            "zh": "点击某一行，即可在下方查看该次训练的结果。",
        },
        "timeline.unreadable": {
            "en": "The snapshot of epoch {epoch} could not be read.",
            "zh": "无法读取第 {epoch} 轮的快照。",
        },
    }
)


# --- schedules, early stopping and TensorBoard (classifier/schedules.py) -------------------------
TEXT.update(
    {
        "schedule.step": {"en": "step", "zh": "阶梯下降"},
        "schedule.plateau": {"en": "on plateau", "zh": "停滞时下降"},
        "train.lr_drop_factor": {"en": "Drop factor", "zh": "下降倍数"},
        "train.lr_drop_factor_help": {
            "en": "Step and plateau schedules: at each drop the learning rate is multiplied by this.",
            "zh": "阶梯下降和停滞时下降：每次下降时学习率乘以这个数。",
        },
        "train.lr_drop_every": {"en": "Drop every (epochs)", "zh": "每隔几轮下降"},
        "train.lr_patience": {"en": "Plateau patience (epochs)", "zh": "停滞耐心（轮）"},
        "train.lr_patience_help": {
            "en": "On plateau: lower the rate once the watched metric has not improved for this many epochs "
            "(Keras's ReduceLROnPlateau).",
            "zh": "停滞时下降：被监控的指标连续这么多轮没有改善，就降低学习率（Keras 的 ReduceLROnPlateau）。",
        },
        "train.early_stopping": {
            "en": "Early stopping patience (epochs, 0 = off)",
            "zh": "提前停止耐心（轮，0 = 关闭）",
        },
        "train.early_stopping_help": {
            "en": "Stop training once the watched metric has not improved for this many epochs "
            "(Keras's EarlyStopping).",
            "zh": "被监控的指标连续这么多轮没有改善，就停止训练（Keras 的 EarlyStopping）。",
        },
        "train.monitor": {"en": "Watched metric", "zh": "监控的指标"},
        "train.monitor_help": {
            "en": "What early stopping, the best weights and the plateau schedule judge by. Validation loss is "
            "the usual choice: training numbers keep improving while the network memorises.",
            "zh": "提前停止、最佳权重和停滞时下降所依据的指标。通常选验证损失：网络死记硬背时，训练集上的数字仍会一直变好。",
        },
        "train.restore_best": {"en": "Keep the best epoch's weights", "zh": "保留最佳一轮的权重"},
        "train.restore_best_help": {
            "en": "At the end, put back the weights of the epoch with the best watched metric instead of the "
            "last epoch's (Keras's restore_best_weights).",
            "zh": "训练结束时，换回被监控指标最好的那一轮的权重，而不是最后一轮的（Keras 的 restore_best_weights）。",
        },
        "monitor.val_loss": {"en": "validation loss", "zh": "验证损失"},
        "monitor.val_accuracy": {"en": "validation accuracy", "zh": "验证准确率"},
        "monitor.loss": {"en": "training loss", "zh": "训练损失"},
        "monitor.accuracy": {"en": "training accuracy", "zh": "训练准确率"},
        "config.off": {"en": "off", "zh": "关闭"},
        "chart.learning_rate": {"en": "learning rate", "zh": "学习率"},
        "chart.rate_drop": {"en": "rate ↓", "zh": "学习率 ↓"},
        "chart.stopped": {"en": "early stop", "zh": "提前停止"},
        "chart.kept": {"en": "weights kept (epoch {epoch})", "zh": "保留的权重（第 {epoch} 轮）"},
        "runs.tensorboard": {"en": "Open in TensorBoard", "zh": "在 TensorBoard 中查看"},
        "runs.tensorboard_intro": {
            "en": "Every run also writes TensorBoard scalars to `runs/<id>/tensorboard`: loss, accuracy and the "
            "learning rate, per epoch and about 20 times per epoch. On the machine that runs this app, start "
            "TensorBoard beside it and open http://localhost:6006. It shows every run in the folder, private "
            "ones included, so it is for whoever runs the server.",
            "zh": "每次训练还会把 TensorBoard 标量写到 `runs/<id>/tensorboard`：损失、准确率和学习率，每轮一次，"
            "每轮中另有约 20 次。在运行本应用的机器上，在旁边启动 TensorBoard，然后打开 http://localhost:6006。"
            "它会显示文件夹里的所有训练，包括未共享的，所以只供运行服务器的人使用。",
        },
        "runs.tensorboard_run": {"en": "This run alone in TensorBoard:", "zh": "只在 TensorBoard 中查看这次训练："},
        "msg.config.monitor_validation": {
            "en": "{field}: {monitor} needs validation data; choose validation 'test' or 'holdout', "
            "or watch 'loss' or 'accuracy'",
            "zh": "{field}：{monitor} 需要验证数据；请把验证方式设为“测试集”或“留出”，或改为监控 loss 或 accuracy",
        },
        "msg.schedules.early_stopped": {
            "en": "early stopping: {monitor} did not improve for {patience} epoch(s), so training stopped after "
            "epoch {epoch}",
            "zh": "提前停止：{monitor} 连续 {patience} 轮没有改善，训练在第 {epoch} 轮后停止",
        },
        "msg.schedules.early_stopped_kept": {
            "en": "early stopping: {monitor} did not improve for {patience} epoch(s), so training stopped after "
            "epoch {epoch}; the model keeps the weights of epoch {best}, the best {monitor}",
            "zh": "提前停止：{monitor} 连续 {patience} 轮没有改善，训练在第 {epoch} 轮后停止；"
            "模型保留第 {best} 轮的权重，那一轮的 {monitor} 最好",
        },
        "msg.schedules.kept_best": {
            "en": "the model keeps the weights of epoch {best}, the best {monitor}",
            "zh": "模型保留第 {best} 轮的权重，那一轮的 {monitor} 最好",
        },
        "msg.schedules.tensorboard_unwritable": {
            "en": "TensorBoard logs cannot be written ({detail}); the run trains without them",
            "zh": "无法写入 TensorBoard 日志（{detail}）；这次训练不写日志继续进行",
        },
    }
)


# --- Lessons (ui/lessons.py, the Train page), the Class page (pages/class_.py), classifier.lessons ----
TEXT.update(
    {
        "nav.class": {"en": "Class", "zh": "班级"},
        "train.train_fraction": {"en": "Share of the training images", "zh": "使用的训练图片比例"},
        # A student's lesson panel on the Train page
        "lesson.heading": {"en": "Lesson: {title}", "zh": "课堂练习：{title}"},
        "lesson.untitled": {"en": "Your teacher's lesson", "zh": "老师布置的练习"},
        "lesson.locked_shown": {
            "en": "The settings your teacher fixed are greyed out.",
            "zh": "老师固定的设置显示为灰色，不能修改。",
        },
        "lesson.locked_hidden": {
            "en": "Only the settings you may change are shown; your teacher fixed the rest.",
            "zh": "这里只显示你可以修改的设置，其余的由老师固定。",
        },
        "lesson.class_code_note": {
            "en": "Your run joins class {code}: your teacher and classmates see it on the Class page.",
            "zh": "你的训练会加入班级 {code}：老师和同学可以在“班级”页面看到它。",
        },
        "lesson.student": {"en": "Your name, as the class will see it", "zh": "你的名字（全班看到的名字）"},
        "lesson.student_help": {
            "en": 'Optional. Letters, digits, spaces and - . \' · only. Without a name you are "Student 1", "Student 2", …',
            "zh": "可以不填。只能包含字母、数字、空格和 - . ' ·。不填时显示为“学生 1”“学生 2”……",
        },
        "lesson.reset": {"en": "Back to the lesson's settings", "zh": "恢复练习的设置"},
        "lesson.leave": {"en": "Leave the lesson", "zh": "退出练习"},
        "lesson.cannot_open": {
            "en": "This lesson link cannot be opened: {reason}",
            "zh": "无法打开这个练习链接：{reason}",
        },
        "lesson.pooling_on": {"en": "with pooling", "zh": "有池化"},
        "lesson.pooling_off": {"en": "no pooling", "zh": "无池化"},
        # The teacher's panel on the Train page
        "teach.title": {
            "en": "Make a lesson of these settings (for teachers)",
            "zh": "把这些设置做成课堂练习（教师用）",
        },
        "teach.intro": {
            "en": "Students who open the link get exactly these settings, in the language you are using now. "
            "Choose what they may change; everything else is locked.",
            "zh": "学生打开链接后会得到与此完全相同的设置，语言为你当前使用的语言。选择学生可以修改的设置，其余全部锁定。",
        },
        "teach.fix_first": {
            "en": "Fix the settings above first: a lesson starts from settings that work.",
            "zh": "请先修正上面的设置：练习必须从可用的设置开始。",
        },
        "teach.free": {"en": "Students may change", "zh": "学生可以修改"},
        "teach.free_help": {
            "en": "Everything not listed here is locked to its value above.",
            "zh": "未列出的设置都会锁定为上面的值。",
        },
        "teach.choices": {"en": "Students choose {field} among", "zh": "学生从以下选项中选择{field}"},
        "teach.choices_help": {
            "en": "Leave empty for no choice. The value set above is always one of the choices.",
            "zh": "留空表示不提供选择。上面设置的值总是其中一个选项。",
        },
        "teach.locked": {"en": "Locked settings", "zh": "锁定的设置"},
        "teach.locked_shown": {"en": "shown, greyed out", "zh": "显示为灰色"},
        "teach.locked_hidden": {"en": "hidden", "zh": "隐藏"},
        "teach.lesson_title": {"en": "Title", "zh": "标题"},
        "teach.task": {"en": "The task (one paragraph, any language)", "zh": "任务说明（一段话，任何语言均可）"},
        "teach.task_help": {
            "en": "What students should do and look for. It travels inside the link.",
            "zh": "学生要做什么、观察什么。它包含在链接里。",
        },
        "teach.code": {"en": "Class code", "zh": "班级代码"},
        "teach.code_help": {
            "en": "Groups the students' runs on the Class page; only people with the code (or the link) see them. "
            "4 to 16 letters and digits.",
            "zh": "用于在“班级”页面汇总学生的训练；只有知道代码（或链接）的人才能看到。4 到 16 个字母或数字。",
        },
        "teach.make": {"en": "Make the link", "zh": "生成链接"},
        "teach.failed": {"en": "No link: {reason}", "zh": "无法生成链接：{reason}"},
        "teach.ready": {
            "en": "The lesson's link ({length} characters): copy it into the class chat.",
            "zh": "练习链接（{length} 个字符）：复制后发到班级群里。",
        },
        "teach.follow": {"en": "Follow the class on the Class page", "zh": "在“班级”页面查看全班进度"},
        # The Class page
        "class.title": {"en": "Class: everyone's runs of a lesson", "zh": "班级：全班同学的练习训练"},
        "class.intro": {
            "en": "Type the class code (or paste the lesson link) to follow every student's run of the lesson "
            "live: status, epoch, test accuracy, a leaderboard and all curves together.",
            "zh": "输入班级代码（或粘贴练习链接），实时查看每位同学在这个练习中的训练：状态、轮次、测试准确率、排行榜和所有曲线。",
        },
        "class.input": {"en": "Class code or lesson link", "zh": "班级代码或练习链接"},
        "class.input_help": {
            "en": "The code the lesson link carries (e.g. K7QM2X); a link made without a code works too.",
            "zh": "练习链接中的班级代码（例如 K7QM2X）；没有班级代码的链接也可以直接粘贴。",
        },
        "class.empty": {
            "en": "No runs in this class yet. They appear here as soon as students press Start in the lesson.",
            "zh": "这个班级还没有训练。学生在练习中点击“开始训练”后，这里就会出现。",
        },
        "class.lesson": {"en": "Lesson", "zh": "练习"},
        "class.students": {"en": "Students", "zh": "学生"},
        "class.training": {"en": "Training now", "zh": "正在训练"},
        "class.finished": {"en": "Finished", "zh": "已完成"},
        "class.best": {"en": "Best test accuracy", "zh": "最高测试准确率"},
        "class.leaderboard": {"en": "Leaderboard", "zh": "排行榜"},
        "class.col.rank": {"en": "#", "zh": "名次"},
        "class.col.student": {"en": "Student", "zh": "学生"},
        "class.col.status": {"en": "Status", "zh": "状态"},
        "class.col.epoch": {"en": "Epoch", "zh": "轮次"},
        "class.col.now": {"en": "Test accuracy now", "zh": "当前测试准确率"},
        "class.col.final": {"en": "Final test accuracy", "zh": "最终测试准确率"},
        "class.waiting": {
            "en": "Waiting for the first batches: the curves appear here as the students' runs train.",
            "zh": "正在等待第一批数据：学生的训练开始后，曲线会出现在这里。",
        },
        "class.col.now_help": {
            "en": "The test accuracy after the latest finished epoch; — until the first epoch is tested.",
            "zh": "最近完成的一轮之后的测试准确率；第一轮测试完成之前显示 —。",
        },
        "class.col.final_help": {
            "en": "The test accuracy at the end of the run; — while it still trains.",
            "zh": "训练结束时的测试准确率；仍在训练时显示 —。",
        },
        "class.col.time": {"en": "Time", "zh": "用时"},
        "class.col.queue": {"en": "Queue", "zh": "排队"},
        "rehearse.title": {"en": "Rehearse a lesson before class", "zh": "课前预演一个练习"},
        "rehearse.intro": {
            "en": "How many trainings will the class need on this server, and how long will the last student wait? "
            "Students who pick exactly the same settings share one training.",
            "zh": "全班在这台服务器上需要训练多少次？最后一位同学要等多久？选择完全相同设置的同学共享一次训练。",
        },
        "rehearse.lesson": {"en": "Lesson", "zh": "练习"},
        "rehearse.own_link": {"en": "A lesson link of my own…", "zh": "我自己的练习链接……"},
        "rehearse.link": {"en": "Lesson link", "zh": "练习链接"},
        "rehearse.students": {"en": "Students", "zh": "学生人数"},
        "rehearse.choice_field": {
            "en": "{field}: students choose one of {count} values.",
            "zh": "{field}：学生从 {count} 个取值中选一个。",
        },
        "rehearse.free_field": {
            "en": "{field}: how many different values will the class try?",
            "zh": "{field}：全班会尝试几种不同的取值？",
        },
        "rehearse.trainings": {"en": "Trainings (expected)", "zh": "训练次数（预计）"},
        "rehearse.trainings_help": {
            "en": "Students picking at random among {combinations} combinations; at most {most}.",
            "zh": "学生在 {combinations} 种组合中随机选择；最多 {most} 次。",
        },
        "rehearse.last_wait": {"en": "Last student waits", "zh": "最后一位同学等待"},
        "rehearse.last_end": {"en": "Their training ends after {end}.", "zh": "其训练在 {end} 后结束。"},
        "rehearse.unshared": {"en": "Without sharing, the last waits", "zh": "不共享时最后一位等待"},
        "rehearse.summary": {
            "en": "{students} students need at most {most} training(s); this server trains {slots} at a time, "
            "{run} each (measured here): the class is done after {end}.",
            "zh": "{students} 位学生最多需要 {most} 次训练；本服务器一次训练 {slots} 个，每次 {run}（本机实测）："
            "全班在 {end} 后完成。",
        },
        "rehearse.measuring": {
            "en": "Measuring how long one training takes on this server…",
            "zh": "正在测量本服务器上一次训练需要多长时间……",
        },
        "rehearse.unknown": {
            "en": "The run time is measured when nothing trains (or cannot be known for this data set).",
            "zh": "训练用时会在没有训练进行时测量（或者这个数据集无法预先得知）。",
        },
        "class.col.shared": {"en": "Shared by", "zh": "共享人数"},
        "class.trainings": {"en": "Trainings", "zh": "实际训练次数"},
        "class.trainings_help": {
            "en": "Students who asked for exactly the same settings share one training: this many are really trained.",
            "zh": "设置完全相同的同学共享一次训练：实际只需训练这么多次。",
        },
        "class.curves": {"en": "Everyone's curves", "zh": "全班的曲线"},
        "class.curves_caption": {
            "en": "One colour per student: the thin line is training accuracy as it grows, the line with dots "
            "the test accuracy after each epoch.",
            "zh": "每位同学一种颜色：细线是训练过程中的训练准确率，带圆点的线是每轮结束后的测试准确率。",
        },
        "class.test": {"en": "test", "zh": "测试"},
        "class.inside_links": {
            "en": "Look inside a student's network (read-only)",
            "zh": "查看某位同学的网络内部（只读）",
        },
        "class.anonymous": {"en": "Student {n}", "zh": "学生 {n}"},
        "class.read_only": {
            "en": 'Read-only: {student}\'s run in the lesson "{lesson}".',
            "zh": "只读：{student} 在练习“{lesson}”中的训练。",
        },
        "class.no_checkpoint": {
            "en": "This run has no finished epoch yet, so there is no network to look at.",
            "zh": "这次训练还没有完成任何一轮，暂时没有可查看的网络。",
        },
        "class.back": {"en": "Back to the class", "zh": "返回班级"},
        "class.give": {"en": "Give a built-in lesson", "zh": "布置内置练习"},
        "class.give_intro": {
            "en": "Six lessons drawn from the course document. Copy the link into the class chat; it opens the "
            "Train page set up for the lesson, in the language you use now. To make your own, set up the Train "
            'page and open "Make a lesson of these settings" there.',
            "zh": "六个取自课程文档的练习。把链接复制到班级群里；它会用你当前的语言打开设置好的训练页面。"
            "想自己出题，请在训练页面设置好后打开“把这些设置做成课堂练习”。",
        },
        "class.give_pick": {"en": "Lesson", "zh": "练习"},
        "class.give_free": {"en": "Students may change: {fields}", "zh": "学生可以修改：{fields}"},
        "class.give_code": {"en": "Class code", "zh": "班级代码"},
        "class.give_follow": {"en": "Follow this class here", "zh": "在这里查看这个班级"},
        "class.privacy": {
            "en": "A student's run is seen here only by those who have the class code or the lesson link; "
            "everywhere else it stays private to the student, unless they share it.",
            "zh": "只有知道班级代码或练习链接的人才能在这里看到学生的训练；在其他地方它仍只属于学生本人，除非学生主动共享。",
        },
        # Runs page
        "runs.col.lesson": {"en": "Lesson", "zh": "练习"},
        "runs.lesson": {"en": "From the lesson: {lesson}", "zh": "来自练习：{lesson}"},
        "runs.lesson_help": {
            "en": "Started from a lesson link: its class sees this run on the Class page.",
            "zh": "从练习链接开始的训练：该班级可以在“班级”页面看到它。",
        },
        # Messages of classifier.lessons
        "msg.lesson.empty": {"en": "no lesson link was given", "zh": "没有提供练习链接"},
        "msg.rehearse.not_free": {
            "en": "students cannot change {field} in this lesson (it is locked), so it cannot vary in the rehearsal",
            "zh": "本练习中学生不能修改 {field}（已锁定），所以预演中它不会变化",
        },
        "msg.rehearse.bad_count": {
            "en": "the number of values the class tries for {field} must be between 1 and {most}",
            "zh": "全班为 {field} 尝试的取值个数必须在 1 到 {most} 之间",
        },
        "msg.rehearse.bad_students": {
            "en": "the number of students must be between 1 and {most}",
            "zh": "学生人数必须在 1 到 {most} 之间",
        },
        "msg.rehearse.all_locked": {
            "en": "every setting of this lesson is locked: all {students} students ask for the same training, "
            "which is trained once",
            "zh": "本练习的所有设置都已锁定：{students} 位学生要的是同一次训练，只需训练一次",
        },
        "msg.rehearse.no_class_code": {
            "en": "this lesson has no class code, so its runs cannot share trainings: every student's run is "
            "trained on its own; give the lesson a class code to share",
            "zh": "这个练习没有班级代码，学生之间不能共享训练：每个人的训练都单独进行；给练习加上班级代码即可共享",
        },
        "msg.lesson.too_long": {
            "en": "the lesson link is {length} characters long, more than a lesson link can be ({limit}); copy it again",
            "zh": "练习链接有 {length} 个字符，超过了练习链接的最大长度（{limit}）；请重新复制",
        },
        "msg.lesson.version": {
            "en": "this lesson link was made by another version of the app (format '{version}'); ask the teacher for a new link",
            "zh": "这个练习链接来自另一个版本的应用（格式 '{version}'）；请向老师要一个新链接",
        },
        "msg.lesson.damaged": {
            "en": "the lesson link is damaged (cut short or changed on the way); copy the whole link again",
            "zh": "练习链接已损坏（在传递中被截断或改动）；请重新复制完整的链接",
        },
        "msg.lesson.tampered": {
            "en": "the lesson link does not match its checksum: it was changed or cut short; copy the whole link again",
            "zh": "练习链接与校验码不符：它被改动或截断了；请重新复制完整的链接",
        },
        "msg.lesson.stale_field": {
            "en": "the lesson link sets {field}, which this version of the app no longer has; ask the teacher for a new link",
            "zh": "练习链接设置了 {field}，而这个版本的应用已经没有这一项；请向老师要一个新链接",
        },
        "msg.lesson.preset": {
            "en": "the lesson link starts from a preset '{preset}' this app does not have (presets: {choices})",
            "zh": "练习链接使用了本应用没有的预设 '{preset}'（可用预设：{choices}）",
        },
        "msg.lesson.bad_value": {
            "en": "the lesson link asks for a value this app refuses: {reason}",
            "zh": "练习链接要求的值不被允许：{reason}",
        },
        "msg.lesson.free_and_choice": {
            "en": "the lesson link both frees {field} and limits it to a list of choices",
            "zh": "练习链接既放开了 {field}，又把它限制为几个选项",
        },
        "msg.lesson.choice_count": {
            "en": "the lesson link offers {field} with fewer than 2 or more than {most} choices",
            "zh": "练习链接为 {field} 提供的选项少于 2 个或多于 {most} 个",
        },
        "msg.lesson.choice_default": {
            "en": "the lesson link opens on a value of {field} that is not among its own choices",
            "zh": "练习链接中 {field} 的初始值不在它自己的选项之中",
        },
        "msg.lesson.task_too_long": {
            "en": "the task is longer than {limit} characters; one paragraph, please",
            "zh": "任务说明超过了 {limit} 个字符；请只写一段话",
        },
        "msg.lesson.title_too_long": {
            "en": "the title is longer than {limit} characters",
            "zh": "标题超过了 {limit} 个字符",
        },
        "msg.lesson.class_code": {
            "en": "'{text}' is not a class code: 4 to 16 letters and digits, like K7QM2X",
            "zh": "'{text}' 不是有效的班级代码：应为 4 到 16 个字母或数字，例如 K7QM2X",
        },
        "msg.lesson.unknown_builtin": {
            "en": "there is no built-in lesson called '{lesson}'",
            "zh": "没有名为 '{lesson}' 的内置练习",
        },
        "msg.lesson.dataset": {
            "en": "a lesson trains on one of the app's own data sets ({choices}), not an uploaded one",
            "zh": "练习只能使用应用自带的数据集（{choices}），不能使用上传的数据集",
        },
    }
)

# --- Text alternatives of charts and pictures (ui/alt_text.py) ----------------------------------
TEXT.update(
    {
        "alt.curves.none": {
            "en": "No epoch has finished yet: the curves' summary appears after the first epoch.",
            "zh": "还没有完成任何一轮：第一轮结束后这里会给出曲线的概要。",
        },
        "alt.curves.of": {"en": "{done} of {total}", "zh": "{done}/{total}"},
        "alt.curves.loss": {
            "en": "Loss from {first:.2f} to {last:.2f} over {epochs} epochs",
            "zh": "损失在 {epochs} 轮中从 {first:.2f} 变为 {last:.2f}",
        },
        "alt.curves.best_validation": {
            "en": "best validation accuracy {accuracy:.1%} at epoch {epoch}",
            "zh": "最高验证准确率 {accuracy:.1%}（第 {epoch} 轮）",
        },
        "alt.curves.best_training": {
            "en": "best training accuracy {accuracy:.1%} at epoch {epoch}",
            "zh": "最高训练准确率 {accuracy:.1%}（第 {epoch} 轮）",
        },
        "alt.curves.sentence": {"en": "{loss}; {best}.", "zh": "{loss}；{best}。"},
        "alt.curves.sentence_loss_only": {"en": "{loss}.", "zh": "{loss}。"},
        "alt.as_table": {"en": "The chart's numbers as a table", "zh": "用表格查看图表中的数值"},
        "alt.col.loss": {"en": "Training loss", "zh": "训练损失"},
        "alt.col.accuracy": {"en": "Training accuracy", "zh": "训练准确率"},
        "alt.confusion.empty": {"en": "No test images were classified.", "zh": "没有分类任何测试图片。"},
        "alt.confusion.right": {
            "en": "{right:,} of {total:,} test images classified correctly ({share:.1%})",
            "zh": "{total:,} 张测试图片中有 {right:,} 张分类正确（{share:.1%}）",
        },
        "alt.confusion.pair": {
            "en": "the most frequent mistake: {true} taken for {predicted} ({count:,} times)",
            "zh": "最常见的错误：把{true}认成{predicted}（{count:,} 次）",
        },
        "alt.confusion.sentence": {"en": "{overall}; {pair}.", "zh": "{overall}；{pair}。"},
        "alt.confusion.sentence_perfect": {"en": "{overall}: no mistakes.", "zh": "{overall}：没有错误。"},
        "alt.confusion.true_column": {"en": "True class ↓ / predicted →", "zh": "真实类别 ↓ / 预测类别 →"},
        "alt.per_class": {
            "en": "Best recognised: {best} ({high:.0%} right); worst: {worst} ({low:.0%}).",
            "zh": "识别最好的是{best}（正确率 {high:.0%}）；最差的是{worst}（{low:.0%}）。",
        },
        "alt.confusion.pick": {
            "en": "Show the test images of one cell (true → predicted)",
            "zh": "查看某一格的测试图片（真实 → 预测）",
        },
        "alt.confusion.pick_none": {"en": "The most confident mistakes", "zh": "最自信的错误"},
        "alt.confusion.cell": {"en": "{true} → {predicted}: {count:,}", "zh": "{true} → {predicted}：{count:,}"},
        "alt.place.top_left": {"en": "the top left", "zh": "左上方"},
        "alt.place.top_centre": {"en": "the top", "zh": "上方中间"},
        "alt.place.top_right": {"en": "the top right", "zh": "右上方"},
        "alt.place.middle_left": {"en": "the left", "zh": "左侧中间"},
        "alt.place.centre": {"en": "the centre", "zh": "中央"},
        "alt.place.middle_right": {"en": "the right", "zh": "右侧中间"},
        "alt.place.bottom_left": {"en": "the bottom left", "zh": "左下方"},
        "alt.place.bottom_centre": {"en": "the bottom", "zh": "下方中间"},
        "alt.place.bottom_right": {"en": "the bottom right", "zh": "右下方"},
        "alt.gradcam": {
            "en": "Grad-CAM heat map on the input for {label}: the network looked most at {place}; "
            "{share:.0%} of the image is warm (red or yellow).",
            "zh": "输入图像上针对“{label}”的 Grad-CAM 热力图：网络最关注{place}；图像中 {share:.0%} 的区域为暖色（红或黄）。",
        },
        "alt.input": {
            "en": "The 32×32 image the network sees, enlarged.",
            "zh": "网络看到的 32×32 图像（已放大）。",
        },
        "alt.filters": {
            "en": "The {count} filters of layer {layer}, {size}×{size} each, {kind}, in a grid: "
            "bright where a weight is large, dark where it is negative.",
            "zh": "{layer} 层的 {count} 个卷积核，每个 {size}×{size}，{kind}，排成网格：权重大处亮，为负处暗。",
        },
        "alt.colour": {"en": "in colour (their three input channels)", "zh": "彩色（三个输入通道）"},
        "alt.grey": {"en": "in grey (their first input channel)", "zh": "灰度（第一个输入通道）"},
        "alt.maps": {
            "en": "The {count} feature maps of layer {layer}, {size} each, 16 to a row: bright where the channel "
            "responds. Strongest on average: channels {strongest}; {silent} stay dark everywhere.",
            "zh": "{layer} 层的 {count} 张特征图，每张 {size}，每行 16 张：通道有响应处亮。平均最强的通道：{strongest}；"
            "{silent} 个通道处处为暗。",
        },
        "alt.occlusion": {
            "en": "Occlusion map on the input for {label}: covering {place} lowers the probability most.",
            "zh": "输入图像上针对“{label}”的遮挡敏感度图：遮住{place}时概率下降最多。",
        },
        "alt.qr": {
            "en": "QR code of the phone link written beside it.",
            "zh": "旁边所写手机链接的二维码。",
        },
        "alt.timeline_filters": {
            "en": "The first convolution's {count} filters after epoch {epoch}, {size}×{size} each, in a grid.",
            "zh": "第 {epoch} 轮之后第一个卷积层的 {count} 个卷积核，每个 {size}×{size}，排成网格。",
        },
        "learn.cell_row": {"en": "Row i (or click the map)", "zh": "行 i（或点击特征图）"},
        "learn.cell_col": {"en": "Column j (or click the map)", "zh": "列 j（或点击特征图）"},
        "alt.photo": {"en": "Your photo {name}.", "zh": "你的照片 {name}。"},
        "alt.photo_seen": {
            "en": "{name} as the network sees it: 32×32 pixels, enlarged.",
            "zh": "网络看到的 {name}：32×32 像素（已放大）。",
        },
        "alt.samples": {
            "en": "{count} training images of the class {name}, side by side.",
            "zh": "类别“{name}”的 {count} 张训练图片，并排显示。",
        },
        "alt.mistake": {
            "en": "A test image: {true}, taken for {predicted} ({confidence:.0%} sure).",
            "zh": "一张测试图片：{true}，被认成{predicted}（把握 {confidence:.0%}）。",
        },
    }
)
