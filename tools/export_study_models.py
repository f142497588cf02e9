#!/usr/bin/python3
"""Export the study's models (Devillers et al. 2021) to TorchScript for grhost.

  /usr/bin/python3 tools/export_study_models.py OUT_DIR [--only ID,ID,...] [--random-weights]
        [--checkpoints DIR] [--class-names FILE --dataset-id ID]

Run it where the weights can be downloaded (a machine with network access),
then copy OUT_DIR to where configs/paper/study.yaml points (models/ beside
it). `grhost validate configs/paper/study.yaml` lists every file still
missing. Each vision model is saved as OUT_DIR/ID.pt with two methods:
`features` (the study's penultimate layer: 2048-d global average pool, or
CLIP's 1024-d embedding) and `forward` (ImageNet logits where the model has
a classifier).

Where each model's weights come from (what the study's code loads):
  RN50                        torchvision resnet50, ImageNet weights
  geirhos-resnet50_trained_on_SIN, geirhos-resnet50_trained_on_SIN_and_IN,
  geirhos-resnet50_trained_on_SIN_and_IN_then_finetuned_on_IN
                              the texture-vs-shape models (URLs below)
  madry-imagenet_l2_3_0, madry-imagenet_linf_4, madry-imagenet_linf_8
                              the robustness library's checkpoints, downloaded by
                              hand into --checkpoints (their .pt files)
  ICMLM                       ICMLM-attfc's ResNet-50 (URL below)
  BiT-M-R50x1                 timm's resnetv2_50x1_bitm (pip install timm)
  CLIP-RN50                   OpenAI's CLIP RN50 image tower (pip install clip)
  virtex                      torch.hub kdexd/virtex resnet50
  BERT                        Hugging Face bert-base-uncased traced, and its vocab.txt
                              (pip install transformers): grhost's text-encoder model
  GPT2                        Hugging Face gpt2: class embeddings of "a photo of {label}."
                              at the label's last token, for --class-names, as
                              ID-{dataset}.npy for grhost's label-embeddings model
TSM-v (TensorFlow Hub) and GPV (no public weights) are not exported: give
grhost their features with the features-npy model.

--random-weights builds every architecture available here with random
weights (torchvision's weights=None; Debian's python3-torchvision has no
timm, CLIP or transformers, so those are skipped with a note): files that
grhost loads and runs, for testing a manifest end to end without network.
"""
import argparse
import os
import sys

import torch
import torchvision

GEIRHOS = {
    "geirhos-resnet50_trained_on_SIN":
        "https://bitbucket.org/robert_geirhos/texture-vs-shape-pretrained-models/raw/"
        "0008049cd10f74a944c6d5e90d4639927f8620ae/resnet50_train_60_epochs-c8e5653e.pth.tar",
    "geirhos-resnet50_trained_on_SIN_and_IN":
        "https://bitbucket.org/robert_geirhos/texture-vs-shape-pretrained-models/raw/"
        "60b770e128fffcbd8562a3ab3546c1a735432d03/resnet50_train_45_epochs_combined_IN_SF-2a0d100e.pth.tar",
    "geirhos-resnet50_trained_on_SIN_and_IN_then_finetuned_on_IN":
        "https://bitbucket.org/robert_geirhos/texture-vs-shape-pretrained-models/raw/"
        "60b770e128fffcbd8562a3ab3546c1a735432d03/resnet50_finetune_60_epochs_lr_decay_after_30_start_resnet50_train_45_"
        "epochs_combined_IN_SF-ca06340c.pth.tar",
}
MADRY = ["madry-imagenet_l2_3_0", "madry-imagenet_linf_4", "madry-imagenet_linf_8"]
ICMLM_URL = "http://download.europe.naverlabs.com//ICMLM/icmlm-attfc_r50_coco_5K.pth"
TORCHVISION_FAMILY = ["RN50"] + list(GEIRHOS) + MADRY + ["ICMLM"]
ALL = TORCHVISION_FAMILY + ["BiT-M-R50x1", "CLIP-RN50", "virtex", "BERT", "GPT2"]


class ResNetFeatures(torch.nn.Module):
    """A torchvision ResNet with the study's features (the 2048-d pool) and its logits."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    @torch.jit.export
    def features(self, x: torch.Tensor) -> torch.Tensor:
        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        x = n.layer4(n.layer3(n.layer2(n.layer1(x))))
        return torch.flatten(n.avgpool(x), 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.fc(self.features(x))


def strip_prefixes(state, prefixes):
    out = {}
    for k, v in state.items():
        for p in prefixes:
            if k.startswith(p):
                k = k[len(p):]
        out[k] = v
    return out


def torchvision_family(model_id, random_weights, checkpoints):
    net = torchvision.models.resnet50(weights=None)
    if random_weights:
        return ResNetFeatures(net)
    if model_id == "RN50":
        net = torchvision.models.resnet50(weights="IMAGENET1K_V1")
    elif model_id in GEIRHOS:
        state = torch.hub.load_state_dict_from_url(GEIRHOS[model_id], map_location="cpu")["state_dict"]
        net.load_state_dict(strip_prefixes(state, ["module."]))
    elif model_id in MADRY:
        # The robustness library names its files imagenet_l2_3_0.pt and so on.
        names = [model_id + ".pt", model_id.replace("madry-", "") + ".pt"]
        paths = [os.path.join(checkpoints, n) for n in names if os.path.exists(os.path.join(checkpoints, n))]
        if not paths:
            sys.exit(f"{model_id}: download its checkpoint into {checkpoints} as {names[1]} (see the robustness library)")
        state = torch.load(paths[0], map_location="cpu")
        state = state.get("model", state.get("state_dict", state))
        state = {k: v for k, v in strip_prefixes(state, ["module.", "model."]).items() if not k.startswith("attacker.")
                 and not k.startswith("normalizer.")}
        net.load_state_dict(state)
    elif model_id == "ICMLM":
        state = torch.hub.load_state_dict_from_url(ICMLM_URL, map_location="cpu")["cnn"]
        net.load_state_dict(strip_prefixes(state, ["module.", "cnn."]), strict=False)
    return ResNetFeatures(net)


def save_script(module, path):
    module.eval()
    scripted = torch.jit.script(module)
    tmp = path + ".tmp"
    scripted.save(tmp)
    os.replace(tmp, path)  # a killed export leaves no half file


def export_other(model_id, out, args):
    """The models that need packages Debian does not ship; a note where they are missing."""
    try:
        if model_id == "BiT-M-R50x1":
            import timm
            net = timm.create_model("resnetv2_50x1_bitm", pretrained=not args.random_weights)

            class Bit(torch.nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.n = n

                @torch.jit.export
                def features(self, x: torch.Tensor) -> torch.Tensor:
                    return self.n.forward_head(self.n.forward_features(x), pre_logits=True)

                def forward(self, x: torch.Tensor) -> torch.Tensor:
                    return self.n(x)

            save_script(Bit(net), os.path.join(out, model_id + ".pt"))
        elif model_id == "CLIP-RN50":
            import clip
            model, _ = clip.load("RN50", device="cpu", jit=False)
            if args.random_weights:
                for p in model.parameters():
                    torch.nn.init.normal_(p, std=0.02)
            visual = model.visual.float().eval()
            traced = torch.jit.trace_module(visual, {"forward": torch.zeros(1, 3, 224, 224)})
            # The image embedding is both the features and (no classifier) the output.
            traced.save(os.path.join(out, model_id + ".pt"))
        elif model_id == "virtex":
            net = torch.hub.load("kdexd/virtex", "resnet50", pretrained=not args.random_weights)
            save_script(ResNetFeatures(net), os.path.join(out, model_id + ".pt"))
        elif model_id == "BERT":
            from transformers import BertModel, BertTokenizer
            name = "bert-base-uncased"
            model = BertModel.from_pretrained(name, torchscript=True).eval()
            ids = torch.ones(1, 8, dtype=torch.long)
            traced = torch.jit.trace(model, (ids, torch.ones_like(ids)))
            traced.save(os.path.join(out, "BERT.pt"))
            BertTokenizer.from_pretrained(name).save_vocabulary(out)  # writes vocab.txt
            os.replace(os.path.join(out, "vocab.txt"), os.path.join(out, "BERT-vocab.txt"))
        elif model_id == "GPT2":
            if not args.class_names:
                print(f"  {model_id}: skipped: give --class-names (one class a line) and --dataset-id")
                return
            from transformers import GPT2Model, GPT2Tokenizer
            tok, model = GPT2Tokenizer.from_pretrained("gpt2"), GPT2Model.from_pretrained("gpt2").eval()
            rows = []
            for name in open(args.class_names).read().splitlines():
                ids = tok("a photo of " + name, return_tensors="pt")["input_ids"]  # the label's last token ends it
                with torch.no_grad():
                    rows.append(model(ids).last_hidden_state[0, -1].numpy())
            import numpy as np
            np.save(os.path.join(out, f"GPT2-{args.dataset_id}.npy"), np.stack(rows).astype(np.float32))
        print(f"  {model_id}: exported")
    except ImportError as e:
        print(f"  {model_id}: skipped: {e.name} is not installed here (pip install it where there is network)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--only", default=",".join(ALL), help="comma-separated model ids (default: all)")
    p.add_argument("--random-weights", action="store_true", help="random weights, nothing downloaded")
    p.add_argument("--checkpoints", default=os.path.join(torch.hub.get_dir(), "checkpoints"),
                   help="where the madry-* checkpoints were downloaded")
    p.add_argument("--class-names", help="GPT2: a file of class names, one a line")
    p.add_argument("--dataset-id", default="imagenet", help="GPT2: the manifest's dataset id, in the file name")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    wanted = [m for m in args.only.split(",") if m]
    unknown = [m for m in wanted if m not in ALL]
    if unknown:
        sys.exit(f"unknown model id(s): {', '.join(unknown)}; known: {', '.join(ALL)}")
    torch.manual_seed(0)
    for model_id in wanted:
        if model_id in TORCHVISION_FAMILY:
            path = os.path.join(args.out, model_id + ".pt")
            save_script(torchvision_family(model_id, args.random_weights, args.checkpoints), path)
            print(f"  {model_id}: exported {path}")
        else:
            export_other(model_id, args.out, args)


if __name__ == "__main__":
    main()
