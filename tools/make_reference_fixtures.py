#!/usr/bin/env python3
"""Reference data for EffNetGen's tests, made by the reference implementations (torchvision and timm).

Runs on Debian 12's own PyTorch, no PyPI needed:

    apt-get install -y --no-install-recommends python3-torch python3-torchvision
    # timm: its source tree's `timm` folder (github.com/huggingface/pytorch-image-models) in a temporary folder
    PYTHONPATH=/tmp/timm-src /usr/bin/python3 tools/make_reference_fixtures.py --out tests/fixtures

It writes (tests/fixtures/README.md explains the choices):

  keys/<source>/<model>.txt   every state_dict entry of the reference model, in its order: "name<TAB>d0,d1,..."
  logits/<source>_<model>.safetensors
      the model's 1-D (and 0-D) state_dict tensors under the reference's names: BatchNorm scales, shifts and running
      statistics calibrated on a random batch, SE, head-convolution and classifier biases; "logits.float64" and
      "logits.float32": PyTorch's eval-mode logits for the input below, in both precisions; metadata "input_shape" and
      "reference".

Tensors of two or more dimensions (every convolution and linear kernel) and the input are not stored: they are a pure
function of the tensor's name and shape ("counter-hash weights", below), which the C# tests compute the same way, so
a fixture of full-size B5 or V2-S is a few hundred KB instead of tens of MB, with no precision lost.
"""
import argparse
import json
import os
import struct

import numpy as np
import timm
import torch
import torchvision

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}


def save_file(tensors: dict, path: str, metadata: dict) -> None:
    """The safetensors format (a little-endian u64 header size, a JSON header, the raw data), written directly:
    Debian packages no `safetensors`."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in tensors.items():
        blob = tensor.contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def fnv1a64(text: str) -> np.uint64:
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return np.uint64(h)


def counter_hash(name: str, shape, fan_in: int) -> torch.Tensor:
    """u·sqrt(3 / fan_in) in float64, rounded once to float32 (variance 1 / fan_in); u uniform in [-1, 1) on a 2^-23
    grid, from splitmix64 of (fnv1a64(name) + (i + 1)·golden) for element i in row-major order."""
    count = int(np.prod(shape))
    with np.errstate(over="ignore"):
        z = fnv1a64(name) + (np.arange(1, count + 1, dtype=np.uint64) * GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = ((z >> np.uint64(40)).astype(np.float64) - 8388608.0) / 8388608.0
    return torch.from_numpy((u * np.sqrt(3.0 / fan_in)).astype(np.float32).reshape(shape))


def fixture_input(size: int) -> torch.Tensor:
    """Two images: counter_hash("input") noise, the second at half contrast on a +0.5 offset, so that the logits
    depend on the image (two noise images pool to nearly the same features)."""
    image = counter_hash("input", (2, 3, size, size), fan_in=1).double()
    image[1] = image[1] * 0.5 + 0.5
    return image.float()


def key_list(model: torch.nn.Module) -> str:
    return "".join(f"{name}\t{','.join(str(d) for d in tensor.shape)}\n" for name, tensor in model.state_dict().items())


def calibrate(model: torch.nn.Module, batch: torch.Tensor, seed: int) -> None:
    """Kernels from counter_hash; BatchNorm scales 0.1-0.3 (activations stay small and SiLU near-linear, so float32
    agrees with float64), shifts and biases ~N(0, 0.1); running statistics those of `batch` (the fixture's own input:
    statistics of another batch or size let deep residual stages grow without bound, and rounding with them), then
    perturbed (variance x0.9-1.1, mean shifted by up to 0.05 sigma) so that folding them is not the identity."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if tensor.dim() >= 2:
                tensor.copy_(counter_hash(name, tuple(tensor.shape), tensor[0].numel()))
        norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.copy_(torch.rand(module.weight.shape, generator=generator) * 0.2 + 0.1)
                module.bias.normal_(0.0, 0.1, generator=generator)
                module.momentum = 1.0
            elif isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)) and module.bias is not None:
                module.bias.normal_(0.0, 0.1, generator=generator)
        model.eval()
        for norm in norms:  # only BatchNorm in train mode: dropout and stochastic depth stay off, nothing else is random
            norm.train()
        model(batch)
        for norm in norms:
            norm.running_var.mul_(torch.rand(norm.running_var.shape, generator=generator) * 0.2 + 0.9)
            norm.running_mean.add_((torch.rand(norm.running_mean.shape, generator=generator) - 0.5) * 0.1 * norm.running_var.sqrt())
            norm.momentum = 0.1
    model.eval()


def logits_fixture(source: str, name: str, model: torch.nn.Module, size: int, out: str) -> None:
    image = fixture_input(size)
    calibrate(model, image, seed=1)
    with torch.no_grad():
        logits32 = model(image)
        logits64 = model.double()(image.double())
    model.float()
    stored = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items() if v.dim() < 2}
    stored["logits.float64"] = logits64
    stored["logits.float32"] = logits32
    path = os.path.join(out, "logits", f"{source}_{name}.safetensors")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_file(stored, path, metadata={"input_shape": f"2,3,{size},{size}", "reference": f"{source} {name}"})
    relative = ((logits32.double() - logits64).norm() / logits64.norm()).item()
    spread = ((logits64[0] - logits64[1]).norm() / logits64[0].norm()).item()
    print(f"{path}: float32 vs float64 {relative:.2e}, logits differ between images by {spread:.2f}")


TORCHVISION_KEYS = ([f"efficientnet_b{i}" for i in range(8)] + ["efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l"]
                    + ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "mnasnet1_0"])
TIMM_KEYS = ([f"efficientnet_b{i}" for i in range(9)] + ["efficientnet_l2"]
             + [f"tf_efficientnet_b{i}" for i in range(9)] + ["tf_efficientnet_l2"]
             + [f"efficientnet_lite{i}" for i in range(5)] + ["efficientnet_es", "efficientnet_em", "efficientnet_el"]
             + ["efficientnetv2_s", "efficientnetv2_m", "efficientnetv2_l", "mobilenetv2_100"]
             + ["mobilenetv3_large_100", "mobilenetv3_small_100", "mnasnet_100", "mobilenetv2_050", "mixnet_s", "mixnet_l",
                "lcnet_100", "mobilenetv4_conv_small", "tinynet_a", "efficientnetv2_rw_s", "mixnet_s_os16"])

# Fixture names for a reference model built with arguments: timm's output_stride turns the last stride into dilation.
BUILT_WITH = {"mixnet_s_os16": ("mixnet_s", {"output_stride": 16})}

# (source, model, input size): full-size models; inputs smaller than the eval resolution where that keeps the tests
# fast (the networks pool adaptively); 225 is odd, for TensorFlow's asymmetric 'same' padding.
LOGITS = [("torchvision", "efficientnet_b0", 224), ("torchvision", "efficientnet_b5", 192),
          ("torchvision", "efficientnet_v2_s", 192), ("timm", "tf_efficientnet_b0", 225),
          ("timm", "efficientnet_lite0", 224), ("timm", "efficientnet_es", 224),
          ("timm", "mobilenetv3_large_100", 224), ("timm", "mixnet_s", 224), ("timm", "lcnet_100", 224),
          ("timm", "mobilenetv4_conv_small", 224), ("timm", "mixnet_s_os16", 224)]


def create(source: str, name: str) -> torch.nn.Module:
    if source == "torchvision":
        return getattr(torchvision.models, name)()
    model, kwargs = BUILT_WITH.get(name, (name, {}))
    return timm.create_model(model, pretrained=False, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="tests/fixtures")
    parser.add_argument("--only", choices=["keys", "logits"], help="make only one kind of fixture")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, timm {timm.__version__}")
    if args.only != "logits":
        for source, names in (("torchvision", TORCHVISION_KEYS), ("timm", TIMM_KEYS)):
            os.makedirs(os.path.join(args.out, "keys", source), exist_ok=True)
            for name in names:
                with open(os.path.join(args.out, "keys", source, f"{name}.txt"), "w", newline="\n") as file:
                    file.write(key_list(create(source, name)))
                print(f"keys/{source}/{name}.txt")
    if args.only != "keys":
        for source, name, size in LOGITS:
            logits_fixture(source, name, create(source, name), size, args.out)


if __name__ == "__main__":
    main()
