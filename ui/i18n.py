"""The one translation table: every string a user reads, in English and Simplified Chinese.

The language is chosen in the sidebar and kept in the URL (`?lang=zh`), so a teacher can
hand out a link in either language.
"""

from __future__ import annotations

import functools

import streamlit as st

from classifier.messages import Message, as_message, render

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"

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
        "15-second demo).\n2. **Inside the network**: pick your run and see its filters and feature maps.\n"
        "3. **Predict**: drop in any photo. The built-in model works before you train anything.\n"
        "4. **Runs**: change one hyperparameter, train again, and compare the curves.",
        "zh": "1. **训练**：保留默认设置并点击“开始”（或选择“形状”数据集，15 秒即可看到效果）。\n"
        "2. **网络内部**：选择你的训练记录，查看卷积核和特征图。\n"
        "3. **预测**：拖入任意照片。即使还没训练，内置模型也能直接使用。\n"
        "4. **训练记录**：改变一个超参数再训练一次，比较两条曲线。",
    },
    # Data sets
    "data.cifar10": {"en": "CIFAR-10", "zh": "CIFAR-10"},
    "data.shapes": {"en": "Shapes (built in)", "zh": "形状（内置）"},
    "data.upload": {"en": "My zip", "zh": "上传 zip"},
    "data.loading": {"en": "Loading data: {detail}", "zh": "正在加载数据：{detail}"},
    "data.failed": {"en": "The data set could not be loaded: {reason}", "zh": "无法加载数据集：{reason}"},
    "data.use_shapes": {"en": "Use the built-in shapes set instead", "zh": "改用内置的形状数据集"},
    # Presets
    "preset.seed": {"en": "Seed", "zh": "基础"},
    "preset.strong": {"en": "Strong", "zh": "增强"},
    "preset.quick": {"en": "Quick demo", "zh": "快速演示"},
    "preset.seed.help": {
        "en": "Exactly the tutorial's network: about 70% on CIFAR-10 after 10 epochs (1–2 minutes on two cores).",
        "zh": "与教程完全相同的网络：在 CIFAR-10 上训练 10 轮约 70% 准确率（两核 CPU 上约 1–2 分钟）。",
    },
    "preset.strong.help": {
        "en": "Wider, with batch normalisation, augmentation and a cosine schedule: above 80% in about 6 minutes on two cores.",
        "zh": "更宽的网络，加入批归一化、数据增强和余弦学习率：在两核 CPU 上约 6 分钟达到 80% 以上。",
    },
    "preset.quick.help": {
        "en": "The seed network on the built-in shapes: learns in about 15 seconds.",
        "zh": "在内置形状数据集上训练基础网络：约 15 秒即可学会。",
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
    "train.augmentation": {"en": "Data augmentation", "zh": "数据增强"},
    "train.validation": {"en": "Validation data", "zh": "验证数据"},
    "train.holdout_fraction": {"en": "Held-out share", "zh": "留出比例"},
    "train.random_seed": {"en": "Random seed", "zh": "随机种子"},
    "train.precision": {"en": "Arithmetic", "zh": "计算精度"},
    "train.precision_help": {
        "en": "bfloat16 keeps 8 bits of each number's mantissa instead of 23: about 1.4x faster on CPUs that do it in hardware, with the same accuracy. Weights, probabilities and the loss stay float32. Auto uses it where the CPU supports it.",
        "zh": "bfloat16 每个数只保留 8 位尾数（float32 为 23 位）：在硬件支持的 CPU 上约快 1.4 倍，准确率不变。权重、概率和损失仍用 float32。“自动”在 CPU 支持时使用它。",
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
    # Architecture summary
    "summary.title": {"en": "The network you are building", "zh": "你正在搭建的网络"},
    "summary.layer": {"en": "Layer", "zh": "层"},
    "summary.kind": {"en": "Type", "zh": "类型"},
    "summary.shape": {"en": "Output shape", "zh": "输出形状"},
    "summary.params": {"en": "Parameters", "zh": "参数数量"},
    "summary.total_params": {"en": "Parameters in all", "zh": "参数总数"},
    "summary.estimate": {"en": "Estimated time per epoch", "zh": "预计每轮耗时"},
    "summary.estimate_help": {
        "en": "About {total} for all epochs on this server.",
        "zh": "在本服务器上全部轮次约需 {total}。",
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
    "model.current": {"en": "Current run: {name}", "zh": "当前训练：{name}"},
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
    "inside.gradcam_class": {"en": "Explain the class", "zh": "解释的类别"},
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
        "en": "The model is unsure (best guess {probability:.0%}): the picture may show none of its classes.",
        "zh": "模型没有把握（最高概率仅 {probability:.0%}）：图片里可能不是它认识的任何类别。",
    },
    "predict.bad_file": {"en": "{name}: {reason}", "zh": "{name}：{reason}"},
    # Runs page
    "runs.title": {"en": "Runs", "zh": "训练记录"},
    "runs.intro": {
        "en": "Your runs, and those others shared with the class. Pick several to compare their curves.",
        "zh": "你的训练记录，以及同学共享的记录。选择多条即可比较曲线。",
    },
    "runs.none": {"en": "No runs yet.", "zh": "还没有训练记录。"},
    "runs.compare": {"en": "Compare", "zh": "比较"},
    "runs.details": {"en": "Details of", "zh": "查看详情"},
    "runs.no_history": {"en": "None of these runs has finished an epoch yet.", "zh": "这些训练还没有完成任何一轮。"},
    "runs.col.when": {"en": "Started", "zh": "开始时间"},
    "runs.col.status": {"en": "Status", "zh": "状态"},
    "runs.col.dataset": {"en": "Data set", "zh": "数据集"},
    "runs.col.network": {"en": "Filters", "zh": "卷积核"},
    "runs.col.optimizer": {"en": "Optimizer, rate", "zh": "优化器、学习率"},
    "runs.col.batch": {"en": "Batch", "zh": "批大小"},
    "runs.col.epochs": {"en": "Epochs", "zh": "轮数"},
    "runs.col.best_val": {"en": "Best validation", "zh": "最佳验证准确率"},
    "runs.col.test": {"en": "Test accuracy", "zh": "测试准确率"},
    "runs.col.duration": {"en": "Duration", "zh": "用时"},
    "runs.col.owner": {"en": "Whose", "zh": "来源"},
    "runs.mine": {"en": "mine", "zh": "我的"},
    "runs.shared": {"en": "shared", "zh": "共享"},
    "runs.public": {"en": "Share with the class", "zh": "共享给全班"},
    "runs.public_help": {
        "en": "Others can then see and compare it, but not change or delete it.",
        "zh": "其他人可以查看和比较，但不能修改或删除。",
    },
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
            "en": "unknown export flavour {flavour!r}; choose one of {choices}",
            "zh": "未知的导出格式 {flavour!r}；请从 {choices} 中选择",
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
            "en": "fractions must be numbers separated by commas, like 0.02,0.1,1 (got {text!r})",
            "zh": "比例必须是用逗号分隔的数字，例如 0.02,0.1,1（现在是 {text!r}）",
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


def t(key: str, **values) -> str:
    """The text for `key` in the current language, with `values` filled in."""
    entry = TEXT[key]
    text = entry.get(language()) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def say(message: Message | BaseException) -> str:
    """A package message (or any exception) in the reader's language."""
    if isinstance(message, BaseException):
        message = as_message(message)
    return render(message, _message_templates(language()))


@functools.cache
def _message_templates(lang: str) -> dict[str, str]:
    return {
        key[4:]: entry.get(lang) or entry[DEFAULT_LANGUAGE] for key, entry in TEXT.items() if key.startswith("msg.")
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


def _language_chosen() -> None:
    st.session_state.language = st.session_state.language_widget
    st.session_state.language_from_url = st.session_state.language
