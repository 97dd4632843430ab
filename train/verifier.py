"""CrowdNet's verifier: a second, small network that looks again at each uncertain
CrowdNet candidate, cut out of the photo and brought to one size, and says how sure it is
that a face is there.  The product combines the two scores (src/crowdnet/verifier.h).

    /usr/bin/python3 train/verifier.py --out train/runs/verifier_v1

Steps (each cached in --out, so a run can be resumed or re-exported):
1. Harvest: the product (`faceveil eval --detector crowdnet --mode fast --threshold 0.15
   --crowdnet-verifier off --save-detections`) runs the shipped CrowdNet on the two
   training sets (with --downscales, also on their photos made smaller: more small faces,
   each a new view); its candidates are the verifier's examples.  WIDER val is never used
   for training: its candidates (val_candidates.jsonl, harvested the same way) give the
   log's val loss and AUC and, at the end, val_scores.npy and val_rescored.jsonl.
2. Labels: a candidate is a face when its IoU with a valid face is >= 0.4 (the privacy
   recall's match), not a face when its IoU with every face (invalid ones included) is
   < 0.3; in between it is left out.
3. Crops: a square of CONTEXT x the box's longer side around its centre, resized to SIZE x
   SIZE (bilinear, mid-grey outside the photo); each candidate once as found and JITTERS - 1 more times shifted and scaled
   a little.
4. Training: binary cross-entropy, AdamW, one-cycle learning rate, flips, brightness and
   contrast; batch i's order is a pure function of the seed.  A checkpoint after every
   epoch (checkpoint.pt, removed when the run ends): the same command resumes a stopped
   run where it stopped, with the same results as an unbroken one.
5. Export: ONNX (input `crops` [N, 3, SIZE, SIZE], BGR (pixel - 128) / 128; output
   `face` [N, 1, 1, 1], sigmoid) plus the golden test's reference outputs.

The product needs none of this: it embeds the exported models/crowdnet_verifier.onnx.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deps  # noqa: E402

deps.require()
import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from model import count_macs  # noqa: E402

SIZE = 32      # the crop's side, pixels (src/crowdnet/verifier.h kCropSide)
CONTEXT = 2.0  # the crop's side as a multiple of the box's longer side (kContext)
CONTEXT_IN_USE = CONTEXT  # --context (experiments only)
MIN_SIDE = 4.0  # boxes are treated as at least this long (kMinBoxSide)
# A harvest of photos made smaller names each written copy after its photo plus this
# suffix; read_detections takes it off again (only it: a set's own .png photos keep theirs).
SCALED_SUFFIX = ".scaled.png"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TRAIN_SETS = ("wider_train9", "face_masks")


def read_gt(path):
    gt = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            flags = p[5].split(",") if len(p) > 5 else []
            gt[p[0]].append((float(p[1]), float(p[2]), float(p[3]), float(p[4]), "invalid" in flags))
    return gt


def scaled_photo(data, name, scale):
    """A photo of a set as the verifier sees it: read, and for scale < 1 made smaller
    (INTER_AREA), the same pixels every time."""
    img = cv2.imread(os.path.join(data, name), cv2.IMREAD_COLOR)
    if img is not None and scale < 1:
        img = cv2.resize(img, (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale))),
                         interpolation=cv2.INTER_AREA)
    return img


def harvest(faceveil, data, out_jsonl, scale=1.0):
    """The product's CrowdNet candidates on a set's photos (at `scale` of their size: the
    photos are written smaller, losslessly, into a temporary folder, and the faces' boxes
    scaled; more small faces, each a new view, for the verifier).  `faceveil eval` wants
    WIDER val's difficulty flag first and knows only WIDER's flags: a copy of gt.tsv with
    'hard' in front and other flags dropped serves (the figures it prints are unused)."""
    with tempfile.TemporaryDirectory() as tmp:
        gt = os.path.join(tmp, "gt.tsv")
        images = data
        names = set()
        with open(os.path.join(data, "gt.tsv")) as f, open(gt, "w") as o:
            for line in f:
                p = line.rstrip("\n").split("\t")
                keep = [t for t in (p[5].split(",") if len(p) > 5 else [])
                        if t.split(":")[0] in ("invalid", "blur", "occ", "pose", "illum", "expr")]
                if scale < 1:
                    names.add(p[0])
                    p[0] += SCALED_SUFFIX
                    p[1:5] = [f"{float(v) * scale:.2f}" for v in p[1:5]]
                o.write("\t".join(p[:5] + [",".join(["hard"] + keep)]) + "\n")
        if scale < 1:
            images = os.path.join(tmp, "images")
            for name in sorted(names):
                os.makedirs(os.path.dirname(os.path.join(images, name)), exist_ok=True)
                cv2.imwrite(os.path.join(images, name + SCALED_SUFFIX), scaled_photo(data, name, scale),
                            [cv2.IMWRITE_PNG_COMPRESSION, 1])
        cmd = [faceveil, "eval", "--gt", gt, "--images", images, "--detector", "crowdnet",
               "--mode", "fast", "--threshold", "0.15", "--crowdnet-verifier", "off",
               "--save-detections", out_jsonl, "--out", os.path.join(tmp, "eval.json")]
        print(" ".join(cmd), flush=True)
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL)
        if r.returncode not in (0, 1):  # 1: some faces missed, which is expected
            sys.exit(f"harvest failed: exit {r.returncode}")


def read_detections(path, min_score):
    det = {}
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            name = d["file"].removesuffix(SCALED_SUFFIX)
            det[name] = np.array([b["box"] + [b["score"]] for b in d.get("faces", [])
                                       if b["score"] >= min_score], np.float32).reshape(-1, 5)
    return det


def iou_with(boxes, g):
    x, y, w, h = g
    ix = np.maximum(0, np.minimum(x + w, boxes[:, 0] + boxes[:, 2]) - np.maximum(x, boxes[:, 0]))
    iy = np.maximum(0, np.minimum(y + h, boxes[:, 1] + boxes[:, 3]) - np.maximum(y, boxes[:, 1]))
    inter = ix * iy
    return inter / (w * h + boxes[:, 2] * boxes[:, 3] - inter)


def crop(img, box, jitter=None):
    """The verifier's input for `box` (x, y, w, h): what src/crowdnet/verifier.cpp cuts."""
    x, y, w, h = (float(v) for v in box[:4])
    cx, cy = x + w / 2, y + h / 2
    side = CONTEXT_IN_USE * max(w, h, MIN_SIDE)
    if jitter is not None:
        cx += jitter[0] * w
        cy += jitter[1] * h
        side *= jitter[2]
    s = SIZE / side
    m = np.array([[s, 0, SIZE / 2 - cx * s], [0, s, SIZE / 2 - cy * s]], np.float32)
    # Bilinear both ways: warpAffine takes INTER_AREA as bilinear (verifier_v1 was trained
    # with `INTER_AREA if s < 1`, the same pixels).
    return cv2.warpAffine(img, m, (SIZE, SIZE), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(128, 128, 128))


def examples(data, det, jitters, rng, scale=1.0):
    gt = read_gt(os.path.join(data, "gt.tsv"))
    if scale < 1:
        gt = {f: [(x * scale, y * scale, w * scale, h * scale, inv) for x, y, w, h, inv in faces]
              for f, faces in gt.items()}
    xs, ys = [], []
    for f in sorted(det):
        boxes = det[f]
        if not len(boxes):
            continue
        img = scaled_photo(data, f, scale)
        if img is None:
            sys.exit(f"{data}: cannot read {f}, named in a harvest (one made by another "
                     "version of this script? delete the harvest_*.jsonl files to make them again)")
        faces = gt.get(f, [])
        if faces:
            ious = np.stack([iou_with(boxes, g[:4]) for g in faces], 1)
            valid = np.array([not g[4] for g in faces])
            face = (ious * valid).max(1) >= 0.4
            background = ious.max(1) < 0.3
        else:
            face = np.zeros(len(boxes), bool)
            background = ~face
        for b, is_face, is_bg in zip(boxes, face, background):
            if not (is_face or is_bg):
                continue
            for j in range(jitters):
                jit = None if j == 0 else (rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1),
                                           rng.uniform(0.85, 1.2))
                xs.append(crop(img, b, jit))
                ys.append(1.0 if is_face else 0.0)
    return np.stack(xs), np.array(ys, np.float32)


def val_examples(data, path):
    """WIDER val candidates (>= 0.2, where the product verifies) labelled as in training."""
    val = os.path.join(data, "wider_val")
    gt = read_gt(os.path.join(val, "gt.tsv"))
    det = read_detections(path, 0.2)
    xs, ys = [], []
    for f in sorted(det):
        boxes = det[f]
        if not len(boxes):
            continue
        img = cv2.imread(os.path.join(val, f), cv2.IMREAD_COLOR)
        faces = gt.get(f, [])
        ious = (np.stack([iou_with(boxes, g[:4]) for g in faces], 1) if faces
                else np.zeros((len(boxes), 1)))
        for b, m in zip(boxes, ious.max(1)):
            if m >= 0.4 or m < 0.3:
                xs.append(crop(img, b))
                ys.append(1.0 if m >= 0.4 else 0.0)
    return np.stack(xs), np.array(ys, np.float32)


def val_check(net, xs, ys):
    """(mean BCE, ROC AUC) of the net on the val examples."""
    net.eval()
    with torch.no_grad():
        logits = torch.cat([net(to_input(xs[i:i + 1024])).flatten() for i in range(0, len(xs), 1024)])
    loss = F.binary_cross_entropy_with_logits(logits, torch.from_numpy(ys)).item()
    s = logits.numpy()
    rank = np.empty(len(s))
    rank[np.argsort(s, kind="stable")] = np.arange(len(s))
    pos = ys > 0.5
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return loss, float((rank[pos].sum() - n_pos * (n_pos - 1) / 2) / (n_pos * n_neg))


# How the product combines the two looks (src/detect/verify.h CrowdNetVerifyOptions).
VERIFY_MIN, VERIFY_WEIGHT, FULL_WEIGHT_PX = 0.2, 0.5, 40.0


def write_rescored(candidates, scores, out):
    """The val candidates (>= 0.15, in read_detections' order) with the product's combined
    score, as JSON Lines `faceveil eval --detections` reads: what CrowdNet fast with this
    verifier would report, up to the first look's floor (the product drops candidates
    under max(0.2, threshold^2) before verifying)."""
    k = 0
    rows = sorted((json.loads(line) for line in open(candidates)), key=lambda d: d["file"])
    with open(out, "w") as o:
        for d in rows:
            faces = [b for b in d.get("faces", []) if b["score"] >= 0.15]
            for b in faces:
                side = max(b["box"][2], b["box"][3])
                w = VERIFY_WEIGHT * min(max((2 * FULL_WEIGHT_PX - side) / FULL_WEIGHT_PX, 0.0), 1.0)
                if b["score"] >= VERIFY_MIN and w > 0:
                    b["score"] = max(b["score"], 1e-6) ** (1 - w) * max(float(scores[k]), 1e-6) ** w
                k += 1
            d["faces"] = faces
            o.write(json.dumps(d) + "\n")
    assert k == len(scores), "the scores do not belong to these candidates"


def dwsep(cin, cout, stride):
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU(inplace=True),
        nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Verifier(nn.Module):
    """32x32 crop -> face logit.  A 3x3 conv, six depthwise-separable blocks (16 -> 32 ->
    64 -> 96 channels, halving the map three times), global average pooling and a 1x1
    conv: convolutions, batch norm, ReLU and pooling only, as OpenCV 4.6 runs them."""

    def __init__(self, widths=(16, 32, 64, 96)):
        super().__init__()
        w = widths
        self.features = nn.Sequential(
            nn.Conv2d(3, w[0], 3, 1, 1, bias=False), nn.BatchNorm2d(w[0]), nn.ReLU(inplace=True),
            dwsep(w[0], w[1], 2), dwsep(w[1], w[1], 1), dwsep(w[1], w[2], 2), dwsep(w[2], w[2], 1),
            dwsep(w[2], w[3], 2), dwsep(w[3], w[3], 1))
        self.head = nn.Conv2d(w[3], 1, 1)

    def forward(self, x):
        """Logits [N, 1, 1, 1]."""
        return self.head(F.adaptive_avg_pool2d(self.features(x), 1))


class Export(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return torch.sigmoid(self.net(x))


def to_input(crops):
    """uint8 BGR [N, S, S, 3] -> float [N, 3, S, S], (pixel - 128) / 128."""
    return (torch.from_numpy(np.ascontiguousarray(crops)).permute(0, 3, 1, 2).float() - 128) / 128


def golden_input(n=2):
    """A fixed pattern the C++ test rebuilds: ((i*13 + c*31 + y*17 + x*7) % 256 - 128) / 128."""
    i, c, y, x = np.meshgrid(np.arange(n), np.arange(3), np.arange(SIZE), np.arange(SIZE), indexing="ij")
    return (((i * 13 + c * 31 + y * 17 + x * 7) % 256).astype(np.float32) - 128) / 128


# Boxes on a photo every test machine has (Debian's opencv-doc): the C++ test checks that
# its crop and network give the scores PyTorch gives (the face, background, a box
# reaching outside the photo, a tiny box).
PHOTO = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg"
PHOTO_BOXES = ((223, 92, 33, 33), (20, 20, 30, 30), (-10, 300, 24, 30), (400, 150, 3, 5))


def export(net, onnx_path, reference_path):
    wrapper = Export(net).eval()
    x = torch.from_numpy(golden_input())
    torch.onnx.export(wrapper, x, onnx_path, input_names=["crops"], output_names=["face"],
                      dynamic_axes={"crops": {0: "n"}, "face": {0: "n"}}, opset_version=11)
    img = cv2.imread(PHOTO, cv2.IMREAD_COLOR)
    crops = np.stack([crop(img, b) for b in PHOTO_BOXES])
    with torch.no_grad():
        y = wrapper(x).flatten().numpy()
        photo = wrapper(to_input(crops)).flatten().numpy()
    with open(reference_path, "w") as f:
        f.write("# train/verifier.py: 'golden' = scores for golden_input(2); 'photo' = the "
                "score of a box (x y w h) on messi5.jpg\n")
        f.write("golden " + " ".join(f"{v:.7g}" for v in y) + "\n")
        for b, v in zip(PHOTO_BOXES, photo):
            f.write("photo " + " ".join(str(c) for c in b) + f" {v:.7g}\n")
    print(f"exported {onnx_path} ({os.path.getsize(onnx_path)} bytes) and {reference_path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="run directory (harvest, log, weights)")
    ap.add_argument("--faceveil", default=os.path.join(ROOT, "build", "faceveil"))
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--jitters", type=int, default=2)
    ap.add_argument("--downscales", default="",
                    help="also harvest the training photos made smaller by these factors, "
                         "e.g. 0.5 (verifier_v1: none)")
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--widths", default="16,32,64,96",
                    help="channels of the stem and the three widths (verifier_v1: 16,32,64,96)")
    ap.add_argument("--context", type=float, default=CONTEXT,
                    help="crop side as a multiple of the box's longer side, for experiments: "
                         "the product cuts kContext (2.0, src/crowdnet/verifier.h), so --onnx "
                         "refuses any other value")
    ap.add_argument("--onnx", help="also export the trained model here (and --reference)")
    ap.add_argument("--reference")
    args = ap.parse_args()
    if args.onnx and args.context != CONTEXT:
        ap.error(f"--onnx: the product crops {CONTEXT}x the box, not {args.context}x")
    global CONTEXT_IN_USE
    CONTEXT_IN_USE = args.context
    os.makedirs(args.out, exist_ok=True)
    print("command:", " ".join(sys.argv), flush=True)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t0 = time.time()

    weights = os.path.join(args.out, "verifier.pt")
    vpath = os.path.join(args.out, "val_candidates.jsonl")  # WIDER val's, never trained on
    net = Verifier(tuple(int(v) for v in args.widths.split(",")))
    print(f"params {sum(p.numel() for p in net.parameters())}, MACs per crop {count_macs(net, SIZE, SIZE)}",
          flush=True)
    if os.path.exists(weights):
        net.load_state_dict(torch.load(weights))
        print(f"loaded {weights}")
    else:
        xs, ys = [], []
        scales = [1.0] + [float(v) for v in args.downscales.split(",") if v]
        for name in TRAIN_SETS:
            data = os.path.join(args.data, name)
            for scale in scales:
                tag = "" if scale == 1 else f"_x{scale:g}"
                path = os.path.join(args.out, f"harvest_{name}{tag}.jsonl")
                if not os.path.exists(path):
                    harvest(args.faceveil, data, path, scale)
                x, y = examples(data, read_detections(path, 0.15), args.jitters, rng, scale)
                print(f"{name}{tag}: {len(x)} crops, {int(y.sum())} faces", flush=True)
                xs.append(x)
                ys.append(y)
        X, Y = np.concatenate(xs), np.concatenate(ys)
        print(f"{len(X)} crops, {int(Y.sum())} faces ({time.time() - t0:.0f} s)", flush=True)
        decay = [p for n, p in net.named_parameters() if p.ndim > 1]
        rest = [p for n, p in net.named_parameters() if p.ndim <= 1]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-4},
                                 {"params": rest, "weight_decay": 0}], lr=args.lr)
        per_epoch = len(X) // args.batch
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=args.epochs * per_epoch,
                                                    pct_start=0.1)
        # For the log only: loss and ranking (AUC) on the shipped CrowdNet's WIDER val
        # candidates, faces against background, never trained on.
        if not os.path.exists(vpath):
            harvest(args.faceveil, os.path.join(args.data, "wider_val"), vpath)
        vx, vy = val_examples(args.data, vpath)
        # A run stopped between epochs resumes from its last one: the crops above are
        # rebuilt the same (a pure function of the seed), the rest comes back from the
        # checkpoint, written after every epoch.
        ckpt = os.path.join(args.out, "checkpoint.pt")
        first = 0
        if os.path.exists(ckpt):
            state = torch.load(ckpt)
            if state["epochs"] != args.epochs or state["crops"] != len(X):
                sys.exit(f"{ckpt} belongs to another run ({state['epochs']} epochs, "
                         f"{state['crops']} crops); delete it to start again")
            net.load_state_dict(state["net"])
            opt.load_state_dict(state["opt"])
            sched.load_state_dict(state["sched"])
            rng.bit_generator.state = state["rng"]
            first = state["epoch"]
            print(f"resumed after epoch {first} from {ckpt}", flush=True)
        log = open(os.path.join(args.out, "log.csv"), "a" if first else "w", newline="")
        w = csv.writer(log)
        if not first:
            w.writerow(["epoch", "loss", "val_loss", "val_auc", "seconds"])
        net.train()
        for epoch in range(first, args.epochs):
            order = rng.permutation(len(X))
            total = 0.0
            for k in range(per_epoch):
                idx = order[k * args.batch:(k + 1) * args.batch]
                xb = X[idx].copy()
                flip = rng.random(len(idx)) < 0.5
                xb[flip] = xb[flip, :, ::-1]
                x = to_input(xb)
                n = len(idx)
                contrast = torch.from_numpy(rng.uniform(0.7, 1.3, (n, 1, 1, 1)).astype(np.float32))
                bright = torch.from_numpy(rng.uniform(-0.3, 0.3, (n, 1, 1, 1)).astype(np.float32))
                logits = net(x * contrast + bright).flatten()
                loss = F.binary_cross_entropy_with_logits(logits, torch.from_numpy(Y[idx]))
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                total += loss.item()
            vl, va = val_check(net, vx, vy)
            net.train()
            w.writerow([epoch + 1, f"{total / per_epoch:.5f}", f"{vl:.5f}", f"{va:.4f}",
                        f"{time.time() - t0:.0f}"])
            log.flush()
            print(f"epoch {epoch + 1}: loss {total / per_epoch:.4f}, val loss {vl:.4f}, "
                  f"val AUC {va:.4f} ({time.time() - t0:.0f} s)", flush=True)
            torch.save({"epoch": epoch + 1, "epochs": args.epochs, "crops": len(X),
                        "net": net.state_dict(), "opt": opt.state_dict(),
                        "sched": sched.state_dict(), "rng": rng.bit_generator.state}, ckpt + ".tmp")
            os.replace(ckpt + ".tmp", ckpt)
        torch.save(net.state_dict(), weights)
        os.remove(ckpt)
    net.eval()

    # For the notes: the verifier's scores of the shipped CrowdNet's WIDER val candidates
    # (not used for training), in the order of val_candidates.jsonl.
    val = os.path.join(args.data, "wider_val")
    if os.path.exists(vpath):
        det = read_detections(vpath, 0.15)
        crops = [crop(cv2.imread(os.path.join(val, f)), b) for f in sorted(det) for b in det[f]]
        with torch.no_grad():
            p = torch.cat([torch.sigmoid(net(to_input(np.stack(crops[i:i + 1024])))).flatten()
                           for i in range(0, len(crops), 1024)]).numpy()
        np.save(os.path.join(args.out, "val_scores.npy"), p)
        rescored = os.path.join(args.out, "val_rescored.jsonl")
        write_rescored(vpath, p, rescored)
        print(f"scored {len(p)} val candidates; combined as the product combines them: "
              f"eval/sweep.sh {rescored} 0.38 0.39 0.4")
    if args.onnx:
        export(net, args.onnx, args.reference or os.devnull)


if __name__ == "__main__":
    main()
