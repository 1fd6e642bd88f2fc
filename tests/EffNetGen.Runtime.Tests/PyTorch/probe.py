"""What the C# tests ask of a generated PyTorch spec module (test code; run by PyTorchModules.cs).

    probe.py describe MODULE.py OUT.json NAME...
        parameter count, state_dict (key, shape) list and each tensor's initial minimum, maximum and std, per model
    probe.py logits MODULE.py NAME CLASSES WEIGHTS INPUT OUT
        loads WEIGHTS with the module's load_weights, runs INPUT's tensor "input" in eval mode in float32 and float64,
        writes the logits to OUT as "float32" and "float64" with the module's save_safetensors
"""
import importlib.util
import json
import os
import sys

import torch


def load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def describe(module_path, out, *names):
    module = load(module_path)
    result = {}
    for name in names:
        model = module.create_model(name)
        result[name] = {
            "parameters": sum(p.numel() for p in model.parameters()),
            "state": [[key, list(value.shape)] for key, value in model.state_dict().items()],
            # The initialisation, per floating-point tensor: minimum, maximum, standard deviation.
            "init": {
                key: [value.min().item(), value.max().item(), value.double().std().item() if value.numel() > 1 else 0.0]
                for key, value in model.state_dict().items()
                if value.is_floating_point() and value.numel() > 0
            },
        }
    with open(out, "w") as file:
        json.dump(result, file)


def logits(module_path, name, classes, weights, inputs, out):
    module = load(module_path)
    model = module.create_model(name, num_classes=int(classes))
    module.load_weights(model, weights)
    model.eval()
    x = module.load_safetensors(inputs)[0]["input"]
    with torch.no_grad():
        single = model.float()(x.float())
        double = model.double()(x.double())
    module.save_safetensors({"float32": single, "float64": double}, out)


if __name__ == "__main__":
    torch.set_num_threads(2)
    {"describe": describe, "logits": logits}[sys.argv[1]](*sys.argv[2:])
