"""Validation hook: the network on WIDER val photos at their own resolution, scored with
an approximation of the WIDER protocol (detections matched at IoU 0.5; faces outside the
setting are don't-care).  The product's `faceveil eval` is the reference; this is the
quick number logged during training."""
import os

import cv2
import numpy as np
import torch

from data import to_tensor_input
from loss import decode, flatten, priors


def read_val(root, limit=None):
    rows = {}
    with open(os.path.join(root, "gt.tsv")) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            x, y, w, h = (float(v) for v in p[1:5])
            level = p[5].split(",")[0] if len(p) > 5 else "hard"
            rows.setdefault(p[0], []).append((x, y, x + w, y + h, level))
    paths = sorted(rows)
    if limit:
        paths = paths[::max(1, len(paths) // limit)][:limit]
    return [(os.path.join(root, p), rows[p]) for p in paths]


def nms(boxes, scores, iou_thr=0.4, top=750):
    order = scores.argsort()[::-1]
    keep = []
    while order.size and len(keep) < top:
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(boxes[i, 0], boxes[order[1:], 0])
        yy1 = np.maximum(boxes[i, 1], boxes[order[1:], 1])
        xx2 = np.minimum(boxes[i, 2], boxes[order[1:], 2])
        yy2 = np.minimum(boxes[i, 3], boxes[order[1:], 3])
        inter = np.maximum(xx2 - xx1, 0) * np.maximum(yy2 - yy1, 0)
        a = (boxes[i, 2] - boxes[i, 0]) * (boxes[i, 3] - boxes[i, 1])
        b = (boxes[order[1:], 2] - boxes[order[1:], 0]) * (boxes[order[1:], 3] - boxes[order[1:], 1])
        iou = inter / (a + b - inter + 1e-9)
        order = order[1:][iou <= iou_thr]
    return np.array(keep, int)


@torch.no_grad()
def detect(net, img, min_score=0.02):
    h, w = img.shape[:2]
    ph, pw = (h + 31) // 32 * 32, (w + 31) // 32 * 32
    pad = np.zeros((ph, pw, 3), np.uint8)
    pad[:h, :w] = img
    x = torch.from_numpy(to_tensor_input(pad))[None]
    logits, raw = flatten(net(x))
    pri = priors(ph, pw, net.strides)
    scores = torch.sigmoid(logits[0]).numpy()
    boxes = decode(raw[0], pri).numpy()
    m = scores >= min_score
    boxes, scores = boxes[m], scores[m]
    k = nms(boxes, scores)
    return boxes[k], scores[k]


def _ap(dets, gts, setting):
    """dets: list per image of (boxes, scores); gts: list of rows."""
    counted = {"easy": {"easy"}, "medium": {"easy", "medium"}, "hard": {"easy", "medium", "hard"}}[setting]
    records, npos = [], 0
    for (boxes, scores), rows in zip(dets, gts):
        g = np.array([r[:4] for r in rows], np.float32).reshape(-1, 4)
        care = np.array([r[4] in counted for r in rows], bool)
        npos += int(care.sum())
        used = np.zeros(len(g), bool)
        for i in scores.argsort()[::-1]:
            b = boxes[i]
            if len(g) == 0:
                records.append((scores[i], 0))
                continue
            lt = np.maximum(g[:, :2], b[:2])
            rb = np.minimum(g[:, 2:], b[2:])
            inter = np.prod(np.maximum(rb - lt, 0), 1)
            iou = inter / ((g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
            iou[used] = -1
            j = int(iou.argmax())
            if iou[j] >= 0.5:
                used[j] = True
                if care[j]:
                    records.append((scores[i], 1))
                # a match with a don't-care face counts neither way
            else:
                records.append((scores[i], 0))
    if not records or npos == 0:
        return 0.0
    records.sort(key=lambda r: -r[0])
    tp = np.cumsum([r[1] for r in records])
    fp = np.cumsum([1 - r[1] for r in records])
    rec = tp / npos
    prec = tp / np.maximum(tp + fp, 1e-9)
    mrec = np.concatenate([[0], rec, [1]])
    mpre = np.concatenate([[0], prec, [0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    idx = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))


def evaluate(net, val, max_side=1024):
    net.eval()
    dets, gts = [], []
    for path, rows in val:
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        s = 1.0
        if max(img.shape[:2]) > max_side:
            s = max_side / max(img.shape[:2])
            img = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        boxes, scores = detect(net, img)
        dets.append((boxes / s, scores))
        gts.append(rows)
    return {k: _ap(dets, gts, k) for k in ("easy", "medium", "hard")}
