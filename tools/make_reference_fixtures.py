#!/usr/bin/env python3
"""Reference fixtures for EffNetGen's CPU tests, made with the reference implementations.

PyTorch cannot be installed where EffNetGen's CI runs, so the tests replay what PyTorch computed once.
On a machine with torch, torchvision and timm (timm brings safetensors):

    python tools/make_reference_fixtures.py --out tests/fixtures

For torchvision's efficientnet_b0 and timm's tf_efficientnet_b0 this writes, under <out>/<name>/:
  model-0000k-of-0000n.safetensors + model.safetensors.index.json   the state_dict, shards of at most 15 MiB
  io.safetensors                                                     "input" [2, 3, 224, 224] and "logits" [2, 1000]
Weights are seeded and BatchNorm statistics randomised (fresh BatchNorm is the identity and would hide
mistakes); logits are computed in eval mode. Commit the folder; the tests that replay it then stop skipping.
"""
import argparse
import json
import os

import timm
import torch
import torchvision
from safetensors.torch import save_file

SHARD_BYTES = 15 * 1024 * 1024


def randomise(model: torch.nn.Module, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.normal_(0.0, 0.1, generator=generator)
                module.running_var.uniform_(0.5, 1.5, generator=generator)
                module.weight.normal_(1.0, 0.1, generator=generator)
                module.bias.normal_(0.0, 0.1, generator=generator)


def save_sharded(state: dict, folder: str) -> None:
    shards, current, size = [], {}, 0
    for name, tensor in state.items():
        nbytes = tensor.numel() * tensor.element_size()
        if current and size + nbytes > SHARD_BYTES:
            shards.append(current)
            current, size = {}, 0
        current[name] = tensor.contiguous()
        size += nbytes
    shards.append(current)
    weight_map = {}
    for index, shard in enumerate(shards, start=1):
        file = f"model-{index:05d}-of-{len(shards):05d}.safetensors"
        save_file(shard, os.path.join(folder, file), metadata={"format": "pt"})
        weight_map.update({name: file for name in shard})
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as index_file:
        json.dump({"metadata": {"format": "pt"}, "weight_map": weight_map}, index_file, indent=1, sort_keys=True)


def make(name: str, model: torch.nn.Module, out: str) -> None:
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    randomise(model, seed=1)
    model.eval()
    image = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        logits = model(image)
    save_sharded({k: v.detach().cpu() for k, v in model.state_dict().items()}, folder)
    save_file({"input": image, "logits": logits}, os.path.join(folder, "io.safetensors"))
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters -> {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="tests/fixtures")
    out = parser.parse_args().out
    torch.manual_seed(0)
    make("torchvision_efficientnet_b0", torchvision.models.efficientnet_b0(), out)
    torch.manual_seed(0)
    make("timm_tf_efficientnet_b0", timm.create_model("tf_efficientnet_b0", pretrained=False), out)


if __name__ == "__main__":
    main()
