#!/usr/bin/env python3
"""Reference data for EffNetGen's ONNX Runtime inference path: test images, timm's eval preprocessing of them, the
ImageNet-1k class names and the catalogue of pretrained weights for the models we ship.

Runs on Debian 12's own PyTorch (python3-torch 1.13, python3-torchvision 0.14.1, python3-pil 9.4), no PyPI and no
network; timm is its source tree's `timm` folder (github.com/huggingface/pytorch-image-models) on PYTHONPATH. From the
repository root:

    PYTHONPATH=/tmp/timmsrc /usr/bin/python3 tools/make_onnxruntime_fixtures.py

It is deterministic (same bytes on every run) and writes:

  tests/fixtures/images/{landscape.jpg,progressive.jpg,portrait.png,gray.png,alpha.png}
      small synthetic images (seeded gradients, filled shapes, mild noise): baseline 4:2:0 JPEG, progressive 4:2:2
      JPEG, RGB PNG, grayscale PNG, RGBA PNG with varying alpha (some fully transparent pixels keep their colour).
  tests/fixtures/preprocess.safetensors
      "<image>/decoded" (JPEG images only): U8 [H, W, 3], the image after PIL's `Image.open(path).convert('RGB')` (timm's loader);
      "<image>/<config>": F32 [3, R, R], timm's `create_transform(is_training=False, ...)` of that image, for the
      configs in CONFIGS; "__metadata__" describes the configs, the transforms and the library versions.
  src/OnnxRuntime/Labels/imagenet1k.txt
      the 1000 ImageNet-1k class names in class-index order (torchvision's list), one a line.
  src/Formats/Hub/pretrained.json
      the pretrained weights for our model names: timm's registry (every tag with a Hugging Face Hub id) and
      torchvision's Weights enums, with their preprocessing settings; sorted by id.
"""
import json
import math
import os
import struct
import sys

import numpy as np
import PIL
import timm
import torch
import torchvision
from PIL import Image, ImageDraw
from timm.data import create_transform
from timm.models._registry import _model_default_cfgs, get_pretrained_cfg
from torchvision.models._meta import _IMAGENET_CATEGORIES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES_DIR = os.path.join(ROOT, "tests", "fixtures", "images")
PREPROCESS_PATH = os.path.join(ROOT, "tests", "fixtures", "preprocess.safetensors")
LABELS_PATH = os.path.join(ROOT, "src", "OnnxRuntime", "Labels", "imagenet1k.txt")
PRETRAINED_PATH = os.path.join(ROOT, "src", "Formats", "Hub", "pretrained.json")

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
INCEPTION_MEAN = (0.5, 0.5, 0.5)
INCEPTION_STD = (0.5, 0.5, 0.5)

# name -> (input size R, interpolation, crop_pct, mean, std)
FULL_SIZE = "landscape.jpg"
CONFIGS = {
    # Small crops keep the file small (the shrink factors, 2-3x, exercise the antialiasing more than 224 would; the
    # 160x120 grey image is enlarged); B0's own 224 crop is stored for the landscape JPEG only (FULL_SIZE below).
    "bicubic_112_0.875": (112, "bicubic", 0.875, IMAGENET_MEAN, IMAGENET_STD),
    "bilinear_96_1.0": (96, "bilinear", 1.0, IMAGENET_MEAN, IMAGENET_STD),
    "bicubic_120_0.882": (120, "bicubic", 0.882, IMAGENET_MEAN, IMAGENET_STD),
    "bilinear_112_0.875_inception": (112, "bilinear", 0.875, INCEPTION_MEAN, INCEPTION_STD),
    "bicubic_224_0.875": (224, "bicubic", 0.875, IMAGENET_MEAN, IMAGENET_STD),
}

MODELS = """
efficientnet_b0 efficientnet_b1 efficientnet_b2 efficientnet_b3 efficientnet_b4 efficientnet_b5 efficientnet_b6
efficientnet_b7 efficientnet_b8 efficientnet_l2 efficientnet_es efficientnet_em efficientnet_el efficientnet_lite0
efficientnet_lite1 efficientnet_lite2 efficientnet_lite3 efficientnet_lite4 efficientnet_v2_s efficientnet_v2_m
efficientnet_v2_l mobilenetv2_100 mobilenetv2_050 mobilenetv3_large_100 mobilenet_v3_large mobilenetv3_small_100
mobilenet_v3_small mnasnet_100 lcnet_100 tinynet_a efficientnetv2_rw_s mixnet_s mixnet_l mobilenetv4_conv_small
tf_efficientnet_b0 tf_efficientnet_b1 tf_efficientnet_b2 tf_efficientnet_b3 tf_efficientnet_b4 tf_efficientnet_b5
tf_efficientnet_b6 tf_efficientnet_b7 tf_efficientnet_b8 tf_efficientnet_l2
""".split()

TORCHVISION_WEIGHTS = {
    "efficientnet_b0": "EfficientNet_B0_Weights",
    "efficientnet_b1": "EfficientNet_B1_Weights",
    "efficientnet_b2": "EfficientNet_B2_Weights",
    "efficientnet_b3": "EfficientNet_B3_Weights",
    "efficientnet_b4": "EfficientNet_B4_Weights",
    "efficientnet_b5": "EfficientNet_B5_Weights",
    "efficientnet_b6": "EfficientNet_B6_Weights",
    "efficientnet_b7": "EfficientNet_B7_Weights",
    "efficientnet_v2_s": "EfficientNet_V2_S_Weights",
    "efficientnet_v2_m": "EfficientNet_V2_M_Weights",
    "efficientnet_v2_l": "EfficientNet_V2_L_Weights",
    "mobilenet_v3_large": "MobileNet_V3_Large_Weights",
    "mobilenet_v3_small": "MobileNet_V3_Small_Weights",
}
TORCHVISION_TAGS = {"IMAGENET1K_V1": "tv_in1k", "IMAGENET1K_V2": "tv2_in1k"}

ANOMALIES = []


def anomaly(text: str) -> None:
    ANOMALIES.append(text)
    print("ANOMALY: " + text, file=sys.stderr)


# ---------------------------------------------------------------------------------------------------------- images

def synthetic_rgb(width: int, height: int, seed: int, noise: float = 3.0, noise_band: bool = False) -> np.ndarray:
    """Float RGB [H, W, 3] in 0..255: per-channel linear and radial gradients, a few filled shapes, mild Gaussian
    noise (everywhere, or with noise_band only in a band across the middle third of the rows: noise does not compress
    in PNG)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / (width - 1), y / (height - 1)
    r = np.hypot(u - 0.3, v - 0.6)
    base = np.stack([
        40 + 180 * u,
        30 + 170 * v + 20 * np.sin(9 * u),
        200 - 150 * np.clip(r, 0, 1),
    ], axis=-1)
    image = Image.fromarray(np.clip(base, 0, 255).round().astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        cx, cy = rng.integers(0, width), rng.integers(0, height)
        radius = int(rng.integers(min(width, height) // 12, min(width, height) // 4))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = int(rng.integers(0, 3))
        box = [int(cx - radius), int(cy - radius), int(cx + radius), int(cy + radius)]
        if kind == 0:
            draw.ellipse(box, fill=colour)
        elif kind == 1:
            draw.rectangle([box[0], box[1], box[2], int(cy + radius // 2)], fill=colour)
        else:
            draw.polygon([(box[0], box[3]), (int(cx), box[1]), (box[2], box[3])], fill=colour)
    # thin lines: sharp edges at every angle for the resampling filters
    for i in range(5):
        x0, y0, x1, y1 = (int(c) for c in rng.integers(0, [width, height, width, height]))
        draw.line([x0, y0, x1, y1], fill=(255, 255, 255) if i % 2 else (0, 0, 0), width=1 + i % 3)
    pixels = np.asarray(image, dtype=np.float64)
    grain = rng.normal(0.0, noise, pixels.shape)
    if noise_band:
        grain[: height // 3] = 0
        grain[2 * height // 3:] = 0
    return np.clip(pixels + grain, 0, 255)


def make_images() -> list:
    os.makedirs(IMAGES_DIR, exist_ok=True)
    names = []

    def save(image: Image.Image, name: str, **options) -> None:
        image.save(os.path.join(IMAGES_DIR, name), **options)
        names.append(name)

    landscape = synthetic_rgb(317, 241, seed=1)
    save(Image.fromarray(landscape.round().astype(np.uint8), "RGB"), "landscape.jpg", quality=90)

    progressive = synthetic_rgb(250, 333, seed=2)
    save(Image.fromarray(progressive.round().astype(np.uint8), "RGB"), "progressive.jpg",
         quality=85, progressive=True, subsampling=1)

    portrait = synthetic_rgb(203, 298, seed=3, noise=2.0, noise_band=True)
    save(Image.fromarray(portrait.round().astype(np.uint8), "RGB"), "portrait.png", optimize=False)

    gray = synthetic_rgb(160, 120, seed=4, noise=2.0, noise_band=True) @ np.array([0.299, 0.587, 0.114])
    save(Image.fromarray(np.clip(gray, 0, 255).round().astype(np.uint8), "L"), "gray.png", optimize=False)

    rgb = synthetic_rgb(150, 150, seed=5, noise=2.0, noise_band=True)
    y, x = np.mgrid[0:150, 0:150]
    alpha = np.clip(40 + 1.4 * x + 0.3 * y, 0, 255)
    alpha[(x - 110) ** 2 + (y - 40) ** 2 < 22 ** 2] = 0  # fully transparent disc: colour kept under alpha 0
    alpha[100:130, 15:60] = 0  # fully transparent rectangle
    alpha[10:30, 10:140] = 255  # fully opaque band
    rgba = np.concatenate([rgb, alpha[..., None]], axis=-1).round().astype(np.uint8)
    rgba[100:130, 15:60, :3] = np.maximum(rgba[100:130, 15:60, :3], 1)  # non-zero colour under alpha 0
    save(Image.fromarray(rgba, "RGBA"), "alpha.png", optimize=False)
    return names


# ------------------------------------------------------------------------------------------------ preprocessing

DTYPES = {np.dtype("float32"): "F32", np.dtype("uint8"): "U8"}


def save_safetensors(tensors: dict, path: str, metadata: dict) -> None:
    """safetensors: u64 little-endian header length, JSON header (space-padded to 8 bytes), raw little-endian data;
    tensors in sorted name order."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        array = array.astype(array.dtype.newbyteorder("<"), copy=False)
        blob = array.tobytes()
        header[name] = {"dtype": DTYPES[np.dtype(array.dtype.name)], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":"), sort_keys=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def make_preprocess(image_names: list) -> None:
    transforms = {}
    for config, (size, interpolation, crop_pct, mean, std) in CONFIGS.items():
        transforms[config] = create_transform(input_size=size, is_training=False, interpolation=interpolation,
                                              mean=mean, std=std, crop_pct=crop_pct)
        print(f"--- {config}\n{transforms[config]}")
    tensors = {}
    for name in image_names:
        with Image.open(os.path.join(IMAGES_DIR, name)) as opened:
            image = opened.convert("RGB")  # timm's ImageDataset loader
        if name.endswith(".jpg"):  # a PNG decodes to its own stored samples; JPEG decoders may differ
            tensors[f"{name}/decoded"] = np.asarray(image, dtype=np.uint8)
        for config, transform in transforms.items():
            if CONFIGS[config][0] == 224 and name != FULL_SIZE:
                continue
            out = transform(image)
            size = CONFIGS[config][0]
            assert out.dtype == torch.float32 and tuple(out.shape) == (3, size, size), (name, config, out.shape)
            tensors[f"{name}/{config}"] = out.numpy()
    metadata = {
        "configs": json.dumps({k: {"input_size": s, "interpolation": i, "crop_pct": c, "mean": list(m), "std": list(d)}
                               for k, (s, i, c, m, d) in CONFIGS.items()}),
        "loader": "PIL.Image.open(path).convert('RGB')",
        "transform": "timm.data.create_transform(input_size=R, is_training=False, interpolation=INTERP, "
                     "mean=MEAN, std=STD, crop_pct=CROP)",
        "transforms": json.dumps({k: repr(t) for k, t in transforms.items()}),
        "layout": "<image>/decoded: U8 [H, W, 3]; <image>/<config>: F32 [3, R, R] (CHW, normalized)",
        "versions": f"timm {timm.__version__}, torch {torch.__version__}, torchvision {torchvision.__version__}, "
                    f"PIL {PIL.__version__}, numpy {np.__version__}",
    }
    save_safetensors(tensors, PREPROCESS_PATH, metadata)


# ---------------------------------------------------------------------------------------------------------- labels

def make_labels() -> None:
    names = list(_IMAGENET_CATEGORIES)
    assert len(names) == 1000 and all(n and "\n" not in n and "\r" not in n for n in names)
    os.makedirs(os.path.dirname(LABELS_PATH), exist_ok=True)
    with open(LABELS_PATH, "w", encoding="utf-8", newline="\n") as file:
        file.write("".join(n + "\n" for n in names))


# ------------------------------------------------------------------------------------------------------ pretrained

def square(size, what: str):
    if size is None:
        return None
    if len(size) != 3 or size[1] != size[2]:
        anomaly(f"{what}: non-square size {tuple(size)}")
    return int(size[1])


def number(value):
    if value is None:
        return None
    value = float(value)
    assert math.isfinite(value)
    return value


def timm_entries() -> list:
    entries = []
    for model in MODELS:
        default_cfg = _model_default_cfgs.get(model)
        if default_cfg is None:
            continue
        for index, tag in enumerate(default_cfg.tags):
            cfg = get_pretrained_cfg(f"{model}.{tag}" if tag else model)
            if not cfg.hf_hub_id:
                continue
            name = f"{model}.{tag}"
            if cfg.hf_hub_filename:
                anomaly(f"{name}: hf_hub_filename {cfg.hf_hub_filename!r}")
            if cfg.custom_load:
                anomaly(f"{name}: custom_load")
            if cfg.crop_mode != "center":
                anomaly(f"{name}: crop_mode {cfg.crop_mode!r}")
            if tuple(cfg.mean) not in (IMAGENET_MEAN, INCEPTION_MEAN) or \
                    tuple(cfg.std) not in (IMAGENET_STD, INCEPTION_STD):
                anomaly(f"{name}: mean {cfg.mean} std {cfg.std}")
            if cfg.interpolation not in ("bicubic", "bilinear"):
                anomaly(f"{name}: interpolation {cfg.interpolation!r}")
            entries.append({
                "id": name,
                "source": "timm",
                "model": model,
                "tag": tag,
                "default": index == 0,
                "repo": cfg.hf_hub_id,
                "file": "model.safetensors",
                "classes": int(cfg.num_classes),
                "resolution": square(cfg.input_size, f"{name} input_size"),
                "crop_pct": number(cfg.crop_pct),
                "crop_mode": cfg.crop_mode,
                "interpolation": cfg.interpolation,
                "mean": [number(m) for m in cfg.mean],
                "std": [number(s) for s in cfg.std],
                "test_resolution": square(cfg.test_input_size, f"{name} test_input_size"),
                "test_crop_pct": number(cfg.test_crop_pct),
                "license": cfg.license,
            })
    return entries


# torchvision 0.14's EfficientNet-B0..B7 V1 file names carry hashes that are not the files' SHA-256 (its own
# check_hash fails on them; pytorch/vision#7744 and #8034); torchvision 0.17 renamed the files (pytorch/vision#8036).
# These are the current names, so that the hash check passes.
RENAMED_TORCHVISION_FILES = {
    "efficientnet_b0_rwightman-3dd342df.pth": "efficientnet_b0_rwightman-7f5810bc.pth",
    "efficientnet_b1_rwightman-533bc792.pth": "efficientnet_b1_rwightman-bac287d4.pth",
    "efficientnet_b2_rwightman-bcdf34b7.pth": "efficientnet_b2_rwightman-c35c1473.pth",
    "efficientnet_b3_rwightman-cf984f9c.pth": "efficientnet_b3_rwightman-b3899882.pth",
    "efficientnet_b4_rwightman-7eb33cd5.pth": "efficientnet_b4_rwightman-23ab8bcd.pth",
    "efficientnet_b5_lukemelas-b6417697.pth": "efficientnet_b5_lukemelas-1a07897c.pth",
    "efficientnet_b6_lukemelas-c76e70fd.pth": "efficientnet_b6_lukemelas-24a108a5.pth",
    "efficientnet_b7_lukemelas-dcc49843.pth": "efficientnet_b7_lukemelas-c5b4e57e.pth",
}


def torchvision_entries() -> list:
    entries = []
    for model, enum_name in TORCHVISION_WEIGHTS.items():
        enum = getattr(torchvision.models, enum_name)
        for member in enum:
            tag = TORCHVISION_TAGS[member.name]
            preset = member.transforms()
            crop, resize = int(preset.crop_size[0]), int(preset.resize_size[0])
            url = member.url
            file_name = url.rsplit("/", 1)[-1]
            if file_name in RENAMED_TORCHVISION_FILES:
                file_name = RENAMED_TORCHVISION_FILES[file_name]
                url = url.rsplit("/", 1)[0] + "/" + file_name
            assert file_name.endswith(".pth"), url
            stem = file_name[:-len(".pth")]
            sha_prefix = stem.rsplit("-", 1)[-1]
            assert all(c in "0123456789abcdef" for c in sha_prefix), member.url
            if list(preset.mean) != list(IMAGENET_MEAN) or list(preset.std) != list(IMAGENET_STD):
                anomaly(f"{member}: mean {preset.mean} std {preset.std} (recorded as the preset has them)")
            classes = len(member.meta["categories"])
            if classes != 1000:
                anomaly(f"{member}: {classes} categories")
            entries.append({
                "id": f"{model}.{tag}",
                "source": "torchvision",
                "model": model,
                "tag": tag,
                "default": member is enum.DEFAULT,
                "url": url,
                "sha256_prefix": sha_prefix,
                "file": file_name,
                "classes": 1000,
                "resolution": crop,
                "resize": resize,
                "crop_pct": crop / resize,
                "crop_mode": "center",
                "interpolation": preset.interpolation.value,
                "mean": [number(m) for m in preset.mean],
                "std": [number(s) for s in preset.std],
                "test_resolution": None,
                "test_crop_pct": None,
                "license": "bsd-3-clause",
            })
    return entries


def make_pretrained() -> None:
    entries = timm_entries() + torchvision_entries()
    seen = {}
    for entry in entries:
        if entry["id"] in seen:
            anomaly(f"duplicate id {entry['id']} ({seen[entry['id']]} and {entry['source']})")
        seen[entry["id"]] = entry["source"]
    entries.sort(key=lambda e: (e["id"], e["source"]))
    os.makedirs(os.path.dirname(PRETRAINED_PATH), exist_ok=True)
    text = json.dumps(entries, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    with open(PRETRAINED_PATH, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
    counts = {}
    for entry in entries:
        counts[entry["source"]] = counts.get(entry["source"], 0) + 1
    print(f"pretrained.json: {len(entries)} entries {counts}")


def main() -> None:
    image_names = make_images()
    make_preprocess(image_names)
    make_labels()
    make_pretrained()
    print(f"{len(ANOMALIES)} anomalies" + "".join("\n  " + a for a in ANOMALIES))


if __name__ == "__main__":
    main()
