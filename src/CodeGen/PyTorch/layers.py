import ctypes
import json
import math
import os
import struct
import sys
import tempfile
from typing import Dict, NamedTuple, Optional, Tuple, Type, Union

import torch
import torch.nn.functional as F
from torch import nn

# ----------------------------------------------------------------------------------------------------------------------
# The plan: what every variant below is made of, one literal per layer, written by EffNetGen from the same layer-level
# plan the C# classes are built from. Module and state_dict names follow torchvision's EfficientNet (MobileNetV3 for a
# flat layout): features.{stage}.{block}.block.{layer}, avgpool, classifier.
# ----------------------------------------------------------------------------------------------------------------------


class Norm(NamedTuple):
    """BatchNorm settings: PyTorch's convention, momentum is the weight of the new batch statistic."""

    eps: float
    momentum: float


class Conv(NamedTuple):
    """A convolution without bias, BatchNorm and an activation (torchvision's Conv2dNormActivation: children 0, 1, 2).

    padding: pixels on every side, or "same" for TensorFlow's padding (computed from the input size, the odd pixel
    bottom/right). parts: a mixed convolution's channel groups as (in, out, kernel, groups), one convolution each.
    """

    in_channels: int
    out_channels: int
    kernel: int
    stride: int = 1
    groups: int = 1
    padding: Union[int, str] = 0
    dilation: int = 1
    act: str = "none"
    parts: Tuple[Tuple[int, int, int, int], ...] = ()


class SE(NamedTuple):
    """Squeeze-excitation (torchvision's SqueezeExcitation): pool, fc1 to `squeeze` channels, act, fc2, gate, product."""

    channels: int
    squeeze: int
    act: str = "silu"
    gate: str = "sigmoid"


class Block(NamedTuple):
    """A block: its layers in a child named `block`, plus its input through stochastic depth when `residual`.

    drop_path: (index, count): the block's stochastic-depth rate is the last block's times index / count.
    """

    layers: Tuple[Union[Conv, SE], ...]
    residual: bool
    drop_path: Tuple[int, int]


class Hidden(NamedTuple):
    """A hidden classifier layer: linear to `width` (with a bias, or without one and then BatchNorm1d when `norm`), act."""

    width: int
    act: str
    norm: bool = False


class Preprocess(NamedTuple):
    """Evaluation preprocessing: resize the shorter side to floor(resolution / crop_pct), centre crop, normalise."""

    resolution: int
    crop_pct: float
    interpolation: str
    mean: Tuple[float, float, float]
    std: Tuple[float, float, float]


class TrainingRecipe(NamedTuple):
    """The spec's training recipe. lr is for reference_batch_size images per step and scales linearly with the batch.

    norm_momentum is TensorFlow's convention (the running statistics keep this much; PyTorch's momentum is 1 - it).
    The learning rate rises linearly from 0 over warmup_epochs, then is multiplied by lr_decay every decay_epochs.
    """

    optimizer: str
    lr: float
    reference_batch_size: int
    decay: float
    momentum: float
    eps: float
    weight_decay: float
    warmup_epochs: float
    lr_decay: float
    decay_epochs: float
    epochs: int
    label_smoothing: float
    ema: float
    norm_momentum: float
    augmentation: str

    def lr_for(self, batch_size: int) -> float:
        """The initial learning rate for `batch_size` images per step (all processes together)."""
        return self.lr * batch_size / self.reference_batch_size


# ----------------------------------------------------------------------------------------------------------------------
# The modules: the same layers, names and initialisation as the C# runtime (EffNetGen.Runtime).
# ----------------------------------------------------------------------------------------------------------------------

_ACTIVATIONS: Dict[str, Type[nn.Module]] = {
    "silu": nn.SiLU,
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "hard_swish": nn.Hardswish,
    "gelu": nn.GELU,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,
    "mish": nn.Mish,
}

_GATES: Dict[str, Type[nn.Module]] = {"sigmoid": nn.Sigmoid, "hard_sigmoid": nn.Hardsigmoid}


def _activation(name: str) -> Optional[nn.Module]:
    return None if name == "none" else _ACTIVATIONS[name]()


class Conv2dSame(nn.Conv2d):
    """TensorFlow 'same' convolution (timm's Conv2dSame): pads each input so the output is ceil(size / stride)."""

    def __init__(self, conv: Conv):
        super().__init__(conv.in_channels, conv.out_channels, conv.kernel, conv.stride, 0, conv.dilation, conv.groups, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        def total(size: int, kernel: int, stride: int, dilation: int) -> int:
            return max((math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)

        height = total(x.shape[-2], self.kernel_size[0], self.stride[0], self.dilation[0])
        width = total(x.shape[-1], self.kernel_size[1], self.stride[1], self.dilation[1])
        # The odd pixel goes after: bottom and right, as TensorFlow pads.
        x = F.pad(x, [width // 2, width - width // 2, height // 2, height - height // 2])
        return super().forward(x)


class MixedConv(nn.Module):
    """A mixed convolution (MixConv, timm's MixedConv2d): input channel groups, each with its own kernel (children 0, 1, …)."""

    def __init__(self, conv: Conv):
        super().__init__()
        self.splits = [part[0] for part in conv.parts]
        for i, (inputs, outputs, kernel, groups) in enumerate(conv.parts):
            padding = conv.dilation * (kernel - 1) // 2
            self.add_module(str(i), nn.Conv2d(inputs, outputs, kernel, conv.stride, padding, conv.dilation, groups, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pieces = torch.split(x, self.splits, 1)
        return torch.cat([conv(piece) for conv, piece in zip(self.children(), pieces)], 1)


def _convolution(conv: Conv) -> nn.Module:
    if conv.parts:
        return MixedConv(conv)
    if conv.padding == "same":
        return Conv2dSame(conv)
    return nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel, conv.stride, conv.padding, conv.dilation, conv.groups, bias=False)


class ConvNormActivation(nn.Sequential):
    """Convolution, BatchNorm, activation: children 0, 1 and (unless linear) 2, as torchvision's Conv2dNormActivation."""

    def __init__(self, conv: Conv, norm: Norm):
        layers = [_convolution(conv), nn.BatchNorm2d(conv.out_channels, eps=norm.eps, momentum=norm.momentum)]
        activation = _activation(conv.act)
        super().__init__(*(layers if activation is None else layers + [activation]))


class SqueezeExcitation(nn.Module):
    """Squeeze-excitation gate (torchvision's SqueezeExcitation): pool, 1×1 conv down, act, 1×1 conv up, gate, scale."""

    def __init__(self, se: SE):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(se.channels, se.squeeze, 1)
        self.fc2 = nn.Conv2d(se.squeeze, se.channels, 1)
        self.activation = _activation(se.act) or nn.Identity()
        self.scale_activation = _GATES[se.gate]()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x))))) * x


class StochasticDepth(nn.Module):
    """Stochastic depth, "row" mode (torchvision's StochasticDepth): while training, drops a sample's whole branch with
    probability p and rescales the survivors by 1 / (1 - p); the identity in eval mode."""

    def __init__(self, p: float):
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        noise = torch.empty([x.shape[0]] + [1] * (x.dim() - 1), dtype=x.dtype, device=x.device).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return x * noise

    def extra_repr(self) -> str:
        return f"p={self.p}"


def _layer(layer: Union[Conv, SE], norm: Norm) -> nn.Module:
    return ConvNormActivation(layer, norm) if isinstance(layer, Conv) else SqueezeExcitation(layer)


class ResidualBlock(nn.Module):
    """A block (torchvision's MBConv / FusedMBConv): its layers in `block`, the input added through stochastic depth."""

    def __init__(self, block: Block, norm: Norm, stochastic_depth: float):
        super().__init__()
        self.residual = block.residual
        self.block = nn.Sequential(*[_layer(layer, norm) for layer in block.layers])
        index, count = block.drop_path
        self.stochastic_depth = StochasticDepth(stochastic_depth * index / count)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.block(x)
        return self.stochastic_depth(out) + x if self.residual else out


class EffNet(nn.Module):
    """A network of the plan its subclass declares: `features` (stem, stages, head), `avgpool` and `classifier`.

    Every generated variant is a subclass that sets the class attributes below; its constructor builds the modules with
    torchvision's initialisation (kaiming-normal fan-out convolutions, unit BatchNorm, uniform linear layers).
    """

    MODEL_NAME: str
    RESOLUTION: int
    NUM_CLASSES: int
    DROPOUT: float
    STOCHASTIC_DEPTH: float
    NORM: Norm
    FEATURES: tuple
    FEATURE_CHANNELS: int
    HIDDEN: Optional[Hidden] = None

    def __init__(
        self,
        num_classes: Optional[int] = None,
        in_channels: int = 3,
        dropout: Optional[float] = None,
        stochastic_depth: Optional[float] = None,
    ):
        super().__init__()
        num_classes = self.NUM_CLASSES if num_classes is None else num_classes
        if num_classes < 1 or in_channels < 1:
            raise ValueError(f"{type(self).__name__}: num_classes ({num_classes}) and in_channels ({in_channels}) must be at least 1")
        dropout = self.DROPOUT if dropout is None else dropout
        rate = self.STOCHASTIC_DEPTH if stochastic_depth is None else stochastic_depth
        stem, *rest = self.FEATURES

        def child(item) -> nn.Module:
            if isinstance(item, Conv):
                return ConvNormActivation(item, self.NORM)
            if isinstance(item, Block):
                return ResidualBlock(item, self.NORM, rate)
            return nn.Sequential(*[child(unit) for unit in item])

        self.features = nn.Sequential(*[child(item) for item in [stem._replace(in_channels=in_channels)] + rest])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = self._classifier(num_classes, dropout)
        self._initialise()

    def _classifier(self, num_classes: int, dropout: float) -> nn.Sequential:
        hidden = self.HIDDEN
        if hidden is None:
            return nn.Sequential(nn.Dropout(dropout), nn.Linear(self.FEATURE_CHANNELS, num_classes))
        layers = [nn.Linear(self.FEATURE_CHANNELS, hidden.width, bias=not hidden.norm)]
        if hidden.norm:
            layers.append(nn.BatchNorm1d(hidden.width, eps=self.NORM.eps, momentum=self.NORM.momentum))
        layers += [_activation(hidden.act) or nn.Identity(), nn.Dropout(dropout), nn.Linear(hidden.width, num_classes)]
        return nn.Sequential(*layers)

    def _initialise(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out")
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Linear):
                bound = 1.0 / math.sqrt(module.out_features)
                nn.init.uniform_(module.weight, -bound, bound)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """The last feature map before pooling."""
        return self.features(x)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        """Pooling and the classifier on a forward_features map."""
        return self.classifier(torch.flatten(self.avgpool(features), 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


def model_class(name: str) -> Type[EffNet]:
    """This file's variant `name`: its model or class name, in any case."""
    for model_name, model in MODELS.items():
        if name.lower() in (model_name.lower(), model.__name__.lower()):
            return model
    raise ValueError(f"no model {name!r} in {os.path.basename(__file__)}; it has: {', '.join(MODELS)}")


def create_model(name: str, **kwargs) -> EffNet:
    """A new model of this file's variant `name` (model or class name, any case) with random weights.

    kwargs: num_classes, in_channels, dropout, stochastic_depth (each defaults to the spec's value).
    """
    return model_class(name)(**kwargs)


# ----------------------------------------------------------------------------------------------------------------------
# Weights as safetensors (what EffNetGen's LoadSafetensors and ImageClassifier read): no dependency beyond torch.
# ----------------------------------------------------------------------------------------------------------------------

_DTYPES: Dict[torch.dtype, str] = {
    torch.float64: "F64",
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def save_safetensors(tensors: Dict[str, torch.Tensor], path: str, metadata: Optional[Dict[str, str]] = None) -> None:
    """Writes `tensors` to `path` as safetensors, atomically: a new file beside it, renamed over it once complete."""
    if sys.byteorder != "little":
        raise RuntimeError("safetensors stores little-endian data; this machine is big-endian")
    cpu = {name: tensors[name].detach().to("cpu").contiguous() for name in sorted(tensors)}
    header: Dict[str, object] = {}
    offset = 0
    for name, tensor in cpu.items():
        if tensor.dtype not in _DTYPES:
            raise ValueError(f"{name}: safetensors cannot store {tensor.dtype}")
        size = tensor.numel() * tensor.element_size()
        header[name] = {"dtype": _DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + size]}
        offset += size
    if metadata:
        header["__metadata__"] = {str(key): str(value) for key, value in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(struct.pack("<Q", len(text)))
            file.write(text)
            for tensor in cpu.values():
                if tensor.numel() > 0:
                    file.write(ctypes.string_at(tensor.data_ptr(), tensor.numel() * tensor.element_size()))
            file.flush()
            os.fsync(file.fileno())
        # mkstemp creates the file private (0600); give it the mode a plain open() would, so other accounts can serve it.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load_safetensors(path: str) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
    """The tensors and the metadata strings of the safetensors file at `path`; ValueError naming the file and the
    tensor for anything malformed."""
    with open(path, "rb") as file:
        data = file.read()
    if len(data) < 8:
        raise ValueError(f"{path}: not a safetensors file ({len(data)} bytes)")
    (length,) = struct.unpack("<Q", data[:8])
    if length > len(data) - 8:
        raise ValueError(f"{path}: not a safetensors file (its header length {length} exceeds the file)")
    try:
        header = json.loads(data[8 : 8 + length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path}: the safetensors header is not JSON: {error}") from None
    if not isinstance(header, dict):
        raise ValueError(f"{path}: the safetensors header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError(f"{path}: __metadata__ must map strings to strings")
    dtypes = {code: dtype for dtype, code in _DTYPES.items()}
    size = len(data) - 8 - length
    tensors = {}
    for name, entry in header.items():
        try:
            dtype, shape, (begin, end) = dtypes[entry["dtype"]], [int(d) for d in entry["shape"]], entry["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{path}: {name}: an entry needs a known dtype ({', '.join(dtypes)}), a shape and two data_offsets, not {entry!r}") from None
        if any(d < 0 for d in shape) or not (isinstance(begin, int) and isinstance(end, int) and 0 <= begin <= end <= size):
            raise ValueError(f"{path}: {name}: shape {shape} or data_offsets [{begin}, {end}] outside the {size} data bytes")
        expected = math.prod(shape) * torch.empty((), dtype=dtype).element_size()
        if end - begin != expected:
            raise ValueError(f"{path}: {name} {shape} {entry['dtype']} needs {expected} bytes, its offsets give {end - begin}")
        start = 8 + length + begin
        tensors[name] = torch.frombuffer(bytearray(data[start : start + expected]), dtype=dtype).reshape(shape) if expected else torch.empty(shape, dtype=dtype)
    return tensors, metadata


def load_weights(model: nn.Module, path: str) -> Dict[str, str]:
    """Loads a safetensors checkpoint into `model`, every tensor checked first; returns the file's metadata.

    BatchNorm's num_batches_tracked may be absent: it changes nothing the model computes.
    """
    tensors, metadata = load_safetensors(path)
    expected = model.state_dict()
    missing = [name for name in expected if name not in tensors and not name.endswith("num_batches_tracked")]
    unexpected = [name for name in tensors if name not in expected]
    shapes = [
        f"{name}: {list(tensors[name].shape)} in the file, {list(tensor.shape)} in the model"
        for name, tensor in expected.items()
        if name in tensors and tensors[name].shape != tensor.shape
    ]
    if missing or unexpected or shapes:
        problems = [f"missing: {', '.join(missing)}"] * bool(missing) + [f"unexpected: {', '.join(unexpected)}"] * bool(unexpected) + shapes
        raise ValueError(f"{path} does not fit {type(model).__name__}: " + "; ".join(problems))
    model.load_state_dict(tensors, strict=False)
    return metadata
