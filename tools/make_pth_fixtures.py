#!/usr/bin/env python3
"""Small PyTorch checkpoints for EffNetGen's restricted `.pth` reader (EffNetGen.Formats.Torch.PthWeights) and what
torch itself reads from them.

Runs on Debian 12's own PyTorch (python3-torch 1.13), no PyPI and no network. From the repository root:

    /usr/bin/python3 tools/make_pth_fixtures.py

It is deterministic (same bytes on every run) and writes to tests/fixtures/pth/:

  state_dict.pth   torch.save of an OrderedDict state_dict (zip format): float32 conv weight and bias, float16,
                   bfloat16 and float64 tensors, an int64 `bn.num_batches_tracked` scalar (shape []), a non-contiguous
                   view (the transpose of a [3, 5] tensor; torch.save keeps the view's storage, offset and strides),
                   two slices of one tensor (one storage, two offsets) and an nn.Parameter (`_rebuild_parameter`).
  wrapped.pth      {"state_dict": <a small state_dict>, "epoch": 3}, the common training-checkpoint wrapper.
  malicious.pth    zip format, a valid tensor followed by an object whose __reduce__ is (os.system, ("echo pwned",)):
                   the pickle calls posix.system; the reader must refuse it without executing anything.
  legacy.pth       torch.save(..., _use_new_zipfile_serialization=False): the pre-1.6 format, which the reader refuses.
  expected.json    for state_dict.pth and wrapped.pth: every tensor of the state_dict in order, with torch's dtype name,
                   shape and values (floating tensors converted to float32 by torch, then written as float64 reprs, so
                   each value is exactly a float32; integer tensors as integers).
"""
import collections
import io
import json
import os
import pickletools
import struct
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "fixtures", "pth")
MAX_TOTAL_BYTES = 100 * 1024


def seeded(generator, *shape, dtype=torch.float32):
    """Normal values of `shape` from `generator`, rounded to `dtype`."""
    return torch.randn(*shape, generator=generator, dtype=torch.float64).to(dtype)


def state_dict():
    g = torch.Generator().manual_seed(20240613)
    big = seeded(g, 3, 5)
    shared = seeded(g, 10)
    sd = collections.OrderedDict()
    sd["conv.weight"] = seeded(g, 4, 3, 3, 3)
    sd["conv.bias"] = seeded(g, 4)
    sd["half"] = seeded(g, 5, dtype=torch.float16)
    sd["double"] = seeded(g, 2, 2, dtype=torch.float64)
    sd["bn.num_batches_tracked"] = torch.tensor(1234, dtype=torch.int64)
    sd["transposed"] = big.t()
    sd["shared.first"] = shared[1:4]
    sd["shared.second"] = shared[5:10].view(5, 1)
    sd["bfloat"] = seeded(g, 2, 3, dtype=torch.bfloat16)
    sd["param"] = torch.nn.Parameter(seeded(g, 3))
    # What Module.state_dict() attaches; the pickle BUILDs the OrderedDict with it.
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("bn", {"version": 2})])
    assert not sd["transposed"].is_contiguous()
    assert sd["shared.first"].storage_offset() == 1 and sd["shared.second"].storage_offset() == 5
    return sd


def wrapped():
    g = torch.Generator().manual_seed(7)
    inner = collections.OrderedDict()
    inner["fc.weight"] = seeded(g, 2, 3)
    inner["fc.bias"] = seeded(g, 2)
    return {"state_dict": inner, "epoch": 3}


class Malicious:
    """Pickles as a call of os.system; only ever loaded by the reader under test, which must refuse it."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def deterministic_legacy(path):
    """Renames the legacy format's storage keys (memory addresses) to "0", "1", … so the file is the same every run."""
    with open(path, "rb") as f:
        data = f.read()
    stream = io.BytesIO(data)
    for _ in range(4):  # magic number, protocol version, sys info, the object; then the list of storage keys
        for _ in pickletools.genops(stream):
            pass
    keys = [arg for op, arg, _ in pickletools.genops(stream) if op.name == "BINUNICODE"]

    def unicode(text):
        raw = text.encode("utf-8")
        return b"X" + struct.pack("<I", len(raw)) + raw

    for index, key in enumerate(keys):
        data = data.replace(unicode(key), unicode(str(index)))
    with open(path, "wb") as f:
        f.write(data)


def describe(sd):
    tensors = []
    for name, tensor in sd.items():
        tensor = tensor.detach()
        if tensor.is_floating_point():
            values = [float(v) for v in tensor.to(torch.float32).flatten().tolist()]
        else:
            values = [int(v) for v in tensor.flatten().tolist()]
        tensors.append({
            "name": name,
            "dtype": str(tensor.dtype).replace("torch.", ""),
            "shape": list(tensor.shape),
            "values": values,
        })
    return {"tensors": tensors}


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    sd = state_dict()
    wrapper = wrapped()

    def save(name, obj, **kwargs):
        path = os.path.join(OUT_DIR, name)
        torch.save(obj, path, **kwargs)
        return path

    save("state_dict.pth", sd)
    save("wrapped.pth", wrapper)
    save("malicious.pth", collections.OrderedDict([("weight", torch.zeros(2)), ("payload", Malicious())]))
    deterministic_legacy(save("legacy.pth", collections.OrderedDict([("weight", torch.ones(2))]),
                              _use_new_zipfile_serialization=False))
    assert torch.equal(torch.load(os.path.join(OUT_DIR, "legacy.pth"))["weight"], torch.ones(2))

    # What torch reads back, not what we meant to write.
    expected = {
        "torch": torch.__version__,
        "state_dict.pth": describe(torch.load(os.path.join(OUT_DIR, "state_dict.pth"))),
        "wrapped.pth": describe(torch.load(os.path.join(OUT_DIR, "wrapped.pth"))["state_dict"]),
    }
    with open(os.path.join(OUT_DIR, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    total = sum(os.path.getsize(os.path.join(OUT_DIR, n)) for n in os.listdir(OUT_DIR))
    print(f"wrote {len(os.listdir(OUT_DIR))} files, {total} bytes, to {OUT_DIR}")
    if total > MAX_TOTAL_BYTES:
        sys.exit(f"the fixtures take {total} bytes, over the {MAX_TOTAL_BYTES}-byte budget")


if __name__ == "__main__":
    main()
