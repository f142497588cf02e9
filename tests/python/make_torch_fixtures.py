#!/usr/bin/python3
"""Fixtures for grhost's LibTorch tests, made with Debian's python3-torch and
python3-torchvision (PyTorch 1.13, whose TorchScript LibTorch 1.13 loads).

  /usr/bin/python3 tests/python/make_torch_fixtures.py OUT_DIR

Writes into OUT_DIR:
  idx/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz  a tiny grey dataset (IDX)
  small_cnn.pt, resnet50.pt                            TorchScript models, random weights
  small_cnn_retrained.pt                               small_cnn with other weights
  preprocess/case<k>_{image,expected}.npy + cases.txt  torchvision's preprocessing of test images
  <model>_input.npy, <model>_features.npy              the test split preprocessed as <model>
                                                       expects, and PyTorch's features of it
  <model>_logits.npy, <model>_cotangent.npy, <model>_vjp.npy
                                                       its logits, and cotangentᵀ·∂logits/∂input
  attack_idx/...                                       a larger grey dataset (IDX) for attacks
  small_cnn_trained.pt                                 small_cnn trained on it
  attack_pixels.npy, attack_labels.npy                 test images in [0, 1] as the model sees them
                                                       before normalisation, and their labels
  attack_<case>.npy + attack_cases.txt                 plain-PyTorch PGD from them, no random start
  attack_clean_accuracy.txt                            the trained model's accuracy on attack_idx's test split
The reference pipeline is torchvision's tensor path:
ToTensor -> Resize(antialias=True) -> CenterCrop -> Normalize.
"""
import gzip
import os
import struct
import sys

import numpy as np
import torch
import torchvision
from torchvision import transforms as T

torch.manual_seed(0)
torch.set_num_threads(2)
OUT = sys.argv[1]
os.makedirs(os.path.join(OUT, "idx"), exist_ok=True)
os.makedirs(os.path.join(OUT, "preprocess"), exist_ok=True)
rng = np.random.default_rng(0)


def write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


# A tiny dataset: three classes of 28x28 grey images, each a bright square in
# a class-specific corner over noise, so a model can tell them apart.
def images_for(labels):
    x = rng.integers(0, 60, size=(len(labels), 28, 28)).astype(np.uint8)
    for i, y in enumerate(labels):
        r, c = [(2, 2), (2, 16), (16, 9)][y]
        x[i, r:r + 10, c:c + 10] = 200 + rng.integers(0, 55)
    return x


train_y = np.arange(12) % 3
test_y = (np.arange(6) * 2) % 3
train_x, test_x = images_for(train_y), images_for(test_y)
write_idx(os.path.join(OUT, "idx", "train-images-idx3-ubyte.gz"), train_x)
write_idx(os.path.join(OUT, "idx", "train-labels-idx1-ubyte.gz"), train_y)
write_idx(os.path.join(OUT, "idx", "t10k-images-idx3-ubyte.gz"), test_x)
write_idx(os.path.join(OUT, "idx", "t10k-labels-idx1-ubyte.gz"), test_y)

INTERP = {"bilinear": T.InterpolationMode.BILINEAR, "bicubic": T.InterpolationMode.BICUBIC,
          "nearest": T.InterpolationMode.NEAREST}


def pipeline(resize, crop, interp, mean, std):
    steps = [T.ToTensor(), T.Lambda(lambda t: t.expand(3, -1, -1) if t.shape[0] == 1 else t)]
    if resize:
        # torchvision allows antialiasing for bilinear and bicubic only.
        steps.append(T.Resize(resize, interpolation=INTERP[interp], antialias=interp != "nearest"))
    if crop:
        steps.append(T.CenterCrop(crop))
    steps.append(T.Normalize(mean, std))
    return T.Compose(steps)


# Preprocessing cases: grey and RGB, down and up, both filters, padding crops.
rgb_odd = rng.integers(0, 256, size=(37, 50, 3)).astype(np.uint8)
rgb_tall = rng.integers(0, 256, size=(61, 29, 3)).astype(np.uint8)
cases = [
    (test_x[0][:, :, None], 64, 56, "bilinear", [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    (test_x[1][:, :, None], 20, 16, "bicubic", [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
    (rgb_odd, 24, 24, "bilinear", [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    (rgb_odd, 80, 71, "bicubic", [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]),
    (rgb_tall, 33, 33, "bilinear", [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]),
    (rgb_tall, 0, 40, "nearest", [0.1, 0.2, 0.3], [0.9, 0.8, 0.7]),
    (rgb_tall, 16, 0, "nearest", [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]),
]
with open(os.path.join(OUT, "preprocess", "cases.txt"), "w") as f:
    for k, (img, resize, crop, interp, mean, std) in enumerate(cases):
        expected = pipeline(resize, crop, interp, mean, std)(img.squeeze() if img.shape[2] == 1 else img)
        np.save(os.path.join(OUT, "preprocess", f"case{k}_image.npy"), img)
        np.save(os.path.join(OUT, "preprocess", f"case{k}_expected.npy"), expected.numpy().astype(np.float32))
        f.write(f"{k} {resize} {crop} {interp} {' '.join(map(str, mean))} {' '.join(map(str, std))}\n")


class SmallCNN(torch.nn.Module):
    """A small classifier with a features() method, as a user's own model might be."""

    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1))
        self.head = torch.nn.Linear(32, 3)

    @torch.jit.export
    def features(self, x):
        return torch.flatten(self.body(x), 1)

    def forward(self, x):
        return self.head(self.features(x))


def save_reference(name, model, features_fn, spec):
    model.eval()
    torch.jit.save(torch.jit.script(model), os.path.join(OUT, f"{name}.pt"))
    prep = pipeline(*spec)
    x = torch.stack([prep(img) for img in test_x])
    with torch.no_grad():
        f = features_fn(model, x)
    np.save(os.path.join(OUT, f"{name}_input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, f"{name}_features.npy"), f.numpy().astype(np.float32))
    with torch.no_grad():
        np.save(os.path.join(OUT, f"{name}_logits.npy"), model(x).numpy().astype(np.float32))
    # A vector-Jacobian product of the logits: what attacks need.
    xg = x.clone().requires_grad_(True)
    logits = model(xg)
    cotangent = torch.linspace(-1, 1, logits.numel()).reshape(logits.shape)
    (grad,) = torch.autograd.grad((logits * cotangent).sum(), xg)
    np.save(os.path.join(OUT, f"{name}_cotangent.npy"), cotangent.numpy().astype(np.float32))
    np.save(os.path.join(OUT, f"{name}_vjp.npy"), grad.numpy().astype(np.float32))


save_reference("small_cnn", SmallCNN(), lambda m, x: m.features(x),
               (32, 28, "bilinear", [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]))
# The same architecture with other weights: "the model file changed".
torch.jit.save(torch.jit.script(SmallCNN().eval()), os.path.join(OUT, "small_cnn_retrained.pt"))
resnet = torchvision.models.resnet50(weights=None)
save_reference("resnet50", resnet,
               lambda m, x: torch.flatten(torch.nn.Sequential(*list(m.children())[:-1])(x), 1),
               (72, 64, "bicubic", [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]))


# ---- attacks ---------------------------------------------------------------
# A dataset a small CNN learns well, the CNN trained on it, and PGD in
# plain PyTorch from the same pixels: the reference for grhost's attacks.
os.makedirs(os.path.join(OUT, "attack_idx"), exist_ok=True)
attack_train_y = np.arange(150) % 3
attack_test_y = (np.arange(60) * 7) % 3
attack_train_x, attack_test_x = images_for(attack_train_y), images_for(attack_test_y)
write_idx(os.path.join(OUT, "attack_idx", "train-images-idx3-ubyte.gz"), attack_train_x)
write_idx(os.path.join(OUT, "attack_idx", "train-labels-idx1-ubyte.gz"), attack_train_y)
write_idx(os.path.join(OUT, "attack_idx", "t10k-images-idx3-ubyte.gz"), attack_test_x)
write_idx(os.path.join(OUT, "attack_idx", "t10k-labels-idx1-ubyte.gz"), attack_test_y)

MEAN, STD = 0.5, 0.25
pixels_of = pipeline(32, 28, "bilinear", [0.0] * 3, [1.0] * 3)  # [0, 1], before the model's normalisation
cnn = SmallCNN()
train_px = torch.stack([pixels_of(img) for img in attack_train_x])
optimiser = torch.optim.Adam(cnn.parameters(), lr=3e-3)
for epoch in range(40):
    optimiser.zero_grad()
    loss = torch.nn.functional.cross_entropy(cnn((train_px - MEAN) / STD), torch.from_numpy(attack_train_y))
    loss.backward()
    optimiser.step()
cnn.eval()
torch.jit.save(torch.jit.script(cnn), os.path.join(OUT, "small_cnn_trained.pt"))
test_px = torch.stack([pixels_of(img) for img in attack_test_x])
with torch.no_grad():
    clean = cnn((test_px - MEAN) / STD).argmax(1).numpy()
with open(os.path.join(OUT, "attack_clean_accuracy.txt"), "w") as f:
    f.write(repr(float((clean == attack_test_y).mean())) + "\n")


def pgd(x0, y, eps, steps, alpha, norm, targeted):
    """foolbox's PGD step without random start: ascend (or descend, targeted)
    the summed cross-entropy, project onto the eps-ball, clip to [0, 1]."""
    x = x0.clone()
    for _ in range(steps):
        x.requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(cnn((x - MEAN) / STD), y, reduction="sum")
        (g,) = torch.autograd.grad(loss, x)
        if targeted:
            g = -g
        with torch.no_grad():
            if norm == "linf":
                x = x + alpha * g.sign()
                d = (x - x0).clamp(-eps, eps)
            else:
                gn = g.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)
                x = x + alpha * g / gn
                d = x - x0
                dn = d.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)
                d = d * torch.clamp(eps / dn, max=1.0)
            x = (x0 + d).clamp(0, 1)
    return x.detach()


x0 = test_px[:12]
y0 = torch.from_numpy(attack_test_y[:12])
np.save(os.path.join(OUT, "attack_pixels.npy"), x0.numpy().astype(np.float32))
np.save(os.path.join(OUT, "attack_labels.npy"), y0.numpy().astype(np.int64))
with open(os.path.join(OUT, "attack_cases.txt"), "w") as f:
    # name attack epsilon steps targeted; the step is the study's 2.5 / steps of epsilon
    for name, norm, eps, steps, targeted in [("linf", "linf", 0.03, 10, False), ("l2", "l2", 0.5, 10, False),
                                             ("linf_targeted", "linf", 0.05, 8, True)]:
        goal = (y0 + 1) % 3 if targeted else y0
        adv = pgd(x0, goal, eps, steps, 2.5 / steps * eps, norm, targeted)
        np.save(os.path.join(OUT, f"attack_{name}.npy"), adv.numpy().astype(np.float32))
        f.write(f"{name} pgd-{norm} {eps} {steps} {int(targeted)}\n")
print("fixtures written to", OUT)
