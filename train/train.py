"""Train faceveil's face detector.  One command, resumable:

    /usr/bin/python3 train/train.py --config train/config.json --out train/runs/v1

A longer run can start from an earlier one's weights:

    /usr/bin/python3 train/train.py --config train/config.json --out train/runs/v2 \
        --init train/runs/v1/final.pt

Writes into --out: checkpoint.pt (every N iterations and at each evaluation, written
atomically), log.csv (training loss every 20 iterations), val.csv (proxy val AP every
eval_every epochs), best.pt (EMA weights with the best proxy AP Hard).  Run it again
with the same arguments to resume where it stopped.
"""
import argparse
import copy
import csv
import json
import math
import os
import random
import sys
import time

# Idle OpenMP threads sleep instead of spinning: on a shared 2-core machine a
# spinning thread waiting for a descheduled one cut training from ~20 to ~3
# crops/s. Must be set before torch starts its thread pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deps  # noqa: E402

deps.require()
import numpy as np  # noqa: E402
import torch  # noqa: E402

from data import Batches, Dataset  # noqa: E402
from evaluate import evaluate, read_val  # noqa: E402
from loss import detection_loss  # noqa: E402
from model import FaceNet, count_macs, count_params  # noqa: E402


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def append_csv(path, row):
    new = not os.path.exists(path)
    with open(path, "a", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(row))
        if new:
            w.writeheader()
        w.writerow(row)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--init", help="start a new run from this checkpoint's EMA weights "
                    "(fresh optimizer and schedule); ignored when --out already has a checkpoint")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(args.config))
    cfg = json.load(open(args.config))
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(cfg["threads"])
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])

    t0 = time.time()
    ds = Dataset([os.path.join(here, d) for d in cfg["data"]])
    val = read_val(os.path.join(here, cfg["val"]), cfg["val_images"])
    print(f"{len(ds)} training images cached in {time.time() - t0:.0f} s; {len(val)} val images", flush=True)

    net = FaceNet(**cfg["model"])
    print(f"params {count_params(net)}, MMAC 640x640 {count_macs(net, 640, 640) / 1e6:.0f}, "
          f"1024x768 {count_macs(net, 768, 1024) / 1e6:.0f}", flush=True)
    net = net.to(memory_format=torch.channels_last)
    ema = copy.deepcopy(net).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    decay, no_decay = [], []
    for n, p in net.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg["lr"])
    batches = Batches(ds, cfg["crop"], cfg["batch"], cfg["seed"], cfg.get("augment"))
    iters_per_epoch = math.ceil(len(ds) / cfg["batch"])
    total = cfg["epochs"] * iters_per_epoch
    it, best, last_eval_epoch = 0, -1.0, 0

    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if args.init and not os.path.exists(ckpt_path):
        init = torch.load(args.init)
        # A grown model takes the earlier one's weights for everything else: a new
        # stride-4 level (p4) starts fresh; new residual blocks (deeper stages, a
        # tower) start as almost the identity. Nothing else may differ.
        missing, unexpected = net.load_state_dict(init["ema"], strict=False)
        damped = net.damp_new_blocks(missing)
        fits = ("lat4.", "reduce4.", "smooth4.", "head4_") + tuple(n + "." for n in damped)
        if unexpected or any(not k.startswith(fits) for k in missing):
            sys.exit(f"--init {args.init}: weights do not fit this model "
                     f"(missing {missing}, unexpected {unexpected})")
        ema.load_state_dict(net.state_dict())
        print(f"initialized from {args.init} (iteration {init.get('iter')}); "
              f"fresh: {len(missing)} tensors, {len(damped)} new residual blocks", flush=True)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        net.load_state_dict(ck["net"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        torch.set_rng_state(ck["torch_rng"])
        it, best, last_eval_epoch = ck["iter"], ck["best"], ck["last_eval_epoch"]
        print(f"resumed at iteration {it} (epoch {it / iters_per_epoch:.2f})", flush=True)
        # Rows logged after the checkpoint are redone: drop them.
        for name in ("log.csv", "val.csv"):
            path = os.path.join(args.out, name)
            if os.path.exists(path):
                with open(path) as f:
                    rows = list(csv.DictReader(f))
                keep = [r for r in rows if int(r["iter"]) <= it]
                if rows and len(keep) < len(rows):
                    with open(path, "w", newline="") as f:
                        w = csv.DictWriter(f, fieldnames=list(rows[0]))
                        w.writeheader()
                        w.writerows(keep)

    def checkpoint():
        save_atomic({"net": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                     "torch_rng": torch.get_rng_state(), "iter": it,
                     "best": best, "last_eval_epoch": last_eval_epoch, "config": cfg}, ckpt_path)

    # Batch i is a pure function of (seed, i): one worker process makes them ahead.
    stream = iter(torch.utils.data.DataLoader(
        torch.utils.data.Subset(batches, range(it, total)), batch_size=None, shuffle=False,
        num_workers=1, prefetch_factor=4, collate_fn=lambda b: b, persistent_workers=False))
    net.train()
    tick, seen, sums = time.time(), 0, {"loss": 0.0, "cls": 0.0, "box": 0.0, "pos": 0.0}
    while it < total:
        lr = cfg["lr"] * min(1.0, (it + 1) / cfg["warmup_iters"]) * \
            (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * it / total)))
        for g in opt.param_groups:
            g["lr"] = lr
        x, targets = next(stream)
        x = torch.from_numpy(x).contiguous(memory_format=torch.channels_last)
        loss, parts = detection_loss(net(x), targets, cfg["crop"], net.strides)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
        opt.step()
        it += 1
        d = cfg["ema_decay"] * (1 - math.exp(-it / 2000.0))
        with torch.no_grad():
            for pe, pn in zip(ema.state_dict().values(), net.state_dict().values()):
                if pe.dtype.is_floating_point:
                    pe.mul_(d).add_(pn.detach(), alpha=1 - d)
                else:
                    pe.copy_(pn)
        seen += x.shape[0]
        sums["loss"] += float(loss)
        for k in ("cls", "box", "pos"):
            sums[k] += parts[k]
        if it % 20 == 0:
            dt = time.time() - tick
            row = {"iter": it, "epoch": round(it / iters_per_epoch, 3), "lr": f"{lr:.6f}",
                   **{k: f"{v / 20:.4f}" for k, v in sums.items()}, "img_per_s": f"{seen / dt:.1f}"}
            append_csv(os.path.join(args.out, "log.csv"), row)
            print(row, flush=True)
            tick, seen, sums = time.time(), 0, {k: 0.0 for k in sums}
        if it % cfg["checkpoint_every_iters"] == 0:
            checkpoint()
        epoch = it // iters_per_epoch
        if epoch >= last_eval_epoch + cfg["eval_every"] or it == total:
            last_eval_epoch = epoch
            t = time.time()
            res = evaluate(ema, val)
            row = {"iter": it, "epoch": epoch, **{f"ap_{k}": f"{v:.4f}" for k, v in res.items()},
                   "seconds": f"{time.time() - t:.0f}"}
            append_csv(os.path.join(args.out, "val.csv"), row)
            print("VAL", row, flush=True)
            if res["hard"] > best:
                best = res["hard"]
                save_atomic({"ema": ema.state_dict(), "iter": it, "epoch": epoch, "val": res, "config": cfg},
                            os.path.join(args.out, "best.pt"))
            checkpoint()
            net.train()
            tick = time.time()
    checkpoint()
    save_atomic({"ema": ema.state_dict(), "iter": it, "epoch": it // iters_per_epoch, "config": cfg},
                os.path.join(args.out, "final.pt"))
    print("done", flush=True)


if __name__ == "__main__":
    main()
