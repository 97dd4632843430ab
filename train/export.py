"""Export a trained checkpoint to ONNX plus the reference outputs of the golden test.

    /usr/bin/python3 train/export.py train/runs/v1/best.pt models/crowdnet.onnx \
        --reference tests/crowdnet/data/reference.txt

The ONNX graph takes a [1, 3, H, W] float tensor, (BGR pixel - 128) / 128, H and W
multiples of 32 (dynamic), and gives score_8, box_8, score_16, box_16, score_32, box_32 (score_4, box_4 first with p4)
(model.py).  The reference file holds the outputs for the input of golden_input() at
64 x 96, one line per output: name, shape, then the values, so the C++ test can check
that OpenCV's DNN computes what PyTorch does.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deps  # noqa: E402

deps.require()
import numpy as np
import torch

from model import ExportWrapper, FaceNet  # noqa: E402

def output_names(strides):
    """score_4, box_4 (with p4), score_8, box_8, ..., in the order the net returns them."""
    return [f"{kind}_{s}" for s in strides for kind in ("score", "box")]

GOLDEN_H, GOLDEN_W = 64, 96


def golden_input(h=GOLDEN_H, w=GOLDEN_W):
    """A fixed pattern the C++ test rebuilds exactly: ((c*31 + y*17 + x*7) % 256 - 128) / 128."""
    c, y, x = np.meshgrid(np.arange(3), np.arange(h), np.arange(w), indexing="ij")
    return (((c * 31 + y * 17 + x * 7) % 256).astype(np.float32) - 128.0) / 128.0


def load(path):
    ck = torch.load(path, map_location="cpu")
    net = FaceNet(**ck["config"]["model"])
    net.load_state_dict(ck["ema"])
    return net.eval(), ck


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("onnx")
    ap.add_argument("--reference")
    args = ap.parse_args()
    net, ck = load(args.checkpoint)
    wrapper = ExportWrapper(net).eval()
    x = torch.from_numpy(golden_input())[None]
    names = output_names(net.strides)
    torch.onnx.export(wrapper, x, args.onnx, opset_version=11, input_names=["input"],
                      output_names=names, do_constant_folding=True,
                      dynamic_axes={"input": {2: "height", 3: "width"},
                                    **{n: {2: f"{n}_h", 3: f"{n}_w"} for n in names}})
    print(f"wrote {args.onnx} from iteration {ck.get('iter')} epoch {ck.get('epoch')} val {ck.get('val')}")
    if args.reference:
        with torch.no_grad():
            outs = wrapper(x)
        os.makedirs(os.path.dirname(args.reference), exist_ok=True)
        with open(args.reference, "w") as f:
            f.write(f"# golden_input() at {GOLDEN_H}x{GOLDEN_W} through {os.path.basename(args.onnx)}, PyTorch {torch.__version__}\n")
            for name, t in zip(names, outs):
                a = t.numpy().reshape(-1)
                f.write(name + " " + "x".join(str(d) for d in t.shape) + " " +
                        " ".join(f"{v:.7g}" for v in a) + "\n")
        print(f"wrote {args.reference}")


if __name__ == "__main__":
    main()
