"""Draws a run's log into one PNG, training.png in the run's folder: for a CrowdNet run
its log.csv (training loss) and val.csv (proxy val AP); for a verifier run
(train/verifier.py) its log.csv (training and val loss, val AUC).

    /usr/bin/python3 train/plot.py train/runs/v1            # writes train/runs/v1/training.png
    /usr/bin/python3 train/plot.py train/runs/verifier_v4
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deps  # noqa: E402

deps.require(("cv2", "numpy"))
import cv2
import numpy as np


def read(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def panel(title, series, y_range, size=(640, 300)):
    w, h = size
    img = np.full((h, w, 3), 255, np.uint8)
    left, right, top, bottom = 50, 10, 25, 30
    cv2.putText(img, title, (left, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    xs = [x for _, pts, _ in series for x, _ in pts]
    if not xs:
        return img
    x0, x1 = 0.0, max(xs) or 1.0
    y0, y1 = y_range
    def px(x, y):
        return (int(left + (x - x0) / (x1 - x0) * (w - left - right)),
                int(h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom)))
    cv2.rectangle(img, px(x0, y0), px(x1, y1), (0, 0, 0), 1)
    for k in range(5):
        y = y0 + (y1 - y0) * k / 4
        cv2.putText(img, f"{y:.2f}", (2, px(x0, y)[1] + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1)
    for k in range(6):
        x = x0 + (x1 - x0) * k / 5
        cv2.putText(img, f"{x:.0f}", (px(x, y0)[0] - 8, h - 12), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1)
    cv2.putText(img, "epoch", (w // 2, h - 2), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1)
    for i, (name, pts, colour) in enumerate(series):
        p = [px(x, min(max(y, y0), y1)) for x, y in pts]
        for a, b in zip(p, p[1:]):
            cv2.line(img, a, b, colour, 1, cv2.LINE_AA)
        cv2.putText(img, name, (w - 120, top + 15 + 14 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.4, colour, 1, cv2.LINE_AA)
    return img


def smooth(pts, k=10):
    out = []
    for i in range(len(pts)):
        window = pts[max(0, i - k + 1): i + 1]
        out.append((pts[i][0], sum(y for _, y in window) / len(window)))
    return out


def crowdnet_panels(log, val):
    loss = smooth([(float(r["epoch"]), float(r["loss"])) for r in log])
    cls = smooth([(float(r["epoch"]), float(r["cls"])) for r in log])
    box = smooth([(float(r["epoch"]), float(r["box"])) for r in log])
    top = panel("training loss (moving mean of 10 logs)",
                [("total", loss, (0, 0, 200)), ("score (QFL)", cls, (0, 150, 0)), ("box (GIoU)", box, (200, 0, 0))],
                (0, max([y for _, y in loss] + [1.0])))
    aps = [(name, [(float(r["epoch"]), float(r[key])) for r in val], colour)
           for name, key, colour in (("easy", "ap_easy", (0, 150, 0)), ("medium", "ap_medium", (200, 0, 0)),
                                     ("hard", "ap_hard", (0, 0, 200)))]
    bottom = panel("proxy val AP (train/evaluate.py, 80 WIDER val photos)", aps, (0, 1))
    return top, bottom


def verifier_panels(log):
    loss = [(float(r["epoch"]), float(r["loss"])) for r in log]
    # Runs before verifier_v2 logged no val columns.
    val_loss = [(float(r["epoch"]), float(r["val_loss"])) for r in log if r.get("val_loss")]
    auc = [(float(r["epoch"]), float(r["val_auc"])) for r in log if r.get("val_auc")]
    top = panel("loss (binary cross-entropy)", [("training", loss, (0, 0, 200)), ("WIDER val", val_loss, (200, 0, 0))],
                (0, max([y for _, y in loss + val_loss] + [0.5])))
    lo = min([y for _, y in auc] + [0.9])
    bottom = panel("ROC AUC on WIDER val candidates (never trained on)", [("val AUC", auc, (0, 150, 0))],
                   (max(0.0, lo - 0.02), 1))
    return top, bottom


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="a run's folder, holding its log.csv")
    run = ap.parse_args().run
    log = read(os.path.join(run, "log.csv"))
    if not log:
        ap.error(f"{run}: no log.csv with any rows here (is it a run folder?)")
    if "cls" in log[0]:
        top, bottom = crowdnet_panels(log, read(os.path.join(run, "val.csv")))
    else:
        top, bottom = verifier_panels(log)
    out = os.path.join(run, "training.png")
    if not cv2.imwrite(out, np.vstack([top, bottom])):
        sys.exit(f"could not write {out}")
    print("wrote", out)


if __name__ == "__main__":
    main()
