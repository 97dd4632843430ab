"""Training data: WIDER FACE train subset + face masks, read from gt.tsv, cached decoded.

Augmentation follows SCRFD's "sample redistribution": random square crops whose side is
0.3-1.0 (sometimes up to 2.0, padded) of the image's short side, resized to the training
size, so faces are seen at many more scales than the photos hold; plus flips, colour,
blur and JPEG re-compression.  Faces marked 'invalid', faces cut by the crop and faces
too small to learn from become don't-care regions (neither positive nor negative).
"""
import os
import random

import cv2
import numpy as np


def read_gt(root, tsv="gt.tsv"):
    """{relative image path: (boxes [N,4] x1y1x2y2 float32, ignore [N] bool)}"""
    faces = {}
    with open(os.path.join(root, tsv)) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            path = parts[0]
            x, y, w, h = (float(v) for v in parts[1:5])
            flags = parts[5].split(",") if len(parts) > 5 else []
            faces.setdefault(path, []).append((x, y, x + w, y + h, "invalid" in flags or "ignore" in flags))
    out = {}
    for path, rows in faces.items():
        a = np.array([r[:4] for r in rows], np.float32).reshape(-1, 4)
        out[path] = (a, np.array([r[4] for r in rows], bool))
    return out


class Dataset:
    def __init__(self, roots, max_side=1024):
        self.items = []  # (image uint8 BGR, boxes, ignore)
        for root in roots:
            gt = read_gt(root)
            for rel in sorted(gt):
                img = cv2.imread(os.path.join(root, rel), cv2.IMREAD_COLOR)
                if img is None:
                    continue
                boxes, ign = gt[rel]
                s = max_side / max(img.shape[:2])
                if s < 1:
                    img = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
                    boxes = boxes * s
                self.items.append((img, boxes, ign))

    def __len__(self):
        return len(self.items)


def _colour(img, rng):
    img = img.astype(np.float32)
    if rng.random() < 0.8:
        img = img * rng.uniform(0.6, 1.4) + rng.uniform(-40, 40)  # contrast, brightness
    if rng.random() < 0.5:
        grey = img.mean(axis=2, keepdims=True)
        img = grey + (img - grey) * rng.uniform(0.3, 1.6)  # saturation
    if rng.random() < 0.05:
        img = np.repeat(img.mean(axis=2, keepdims=True), 3, axis=2)
    return np.clip(img, 0, 255).astype(np.uint8)


# The augmentation's knobs (a config's "augment" entry overrides any of them).
# These defaults are what runs v1-v12 trained with; run v13 added heavier blur
# (motion and low resolution as well as Gaussian) and more zoomed-out crops, for
# the blurred and small faces CrowdNet missed most (docs/CROWDNET.md).
AUGMENT_DEFAULTS = {
    "zoom_out": 0.15,   # share of crops wider than the photo's short side (1-2x)
    "blur": 0.15,       # share of crops blurred
    "blur_heavy": 0.0,  # 0: a 3 or 5 px Gaussian; > 0: its largest sigma, and
                        # motion and low-resolution blur as well
    "jpeg": 0.2,        # share of crops re-compressed as JPEG (quality 30-90)
}


def _blur(out, rng, heavy):
    """A Gaussian (sigma 0.5-heavy), a motion (3 to 2*heavy+3 px at any angle) or
    a low-resolution blur (down 1.5-(1+heavy)x and back), a third each."""
    kind = rng.random()
    if kind < 1 / 3:
        return cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, heavy))
    if kind < 2 / 3:
        length = int(rng.uniform(3, 2 * heavy + 3)) | 1
        k = np.zeros((length, length), np.float32)
        k[length // 2, :] = 1.0
        rot = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), rng.uniform(0, 180), 1.0)
        k = cv2.warpAffine(k, rot, (length, length))
        return cv2.filter2D(out, -1, k / max(float(k.sum()), 1e-6))
    f = rng.uniform(1.5, 1 + heavy)
    h, w = out.shape[:2]
    small = cv2.resize(out, (max(1, round(w / f)), max(1, round(h / f))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def augment(item, size, rng, min_face=4.0, knobs=None):
    """One training crop: (image size x size x 3 uint8, boxes [N,4], ignore [N])."""
    a = {**AUGMENT_DEFAULTS, **(knobs or {})}
    img, boxes, ign = item
    h, w = img.shape[:2]
    short = min(h, w)
    if rng.random() < a["zoom_out"]:
        side = short * rng.uniform(1.0, 2.0)
    else:
        side = short * rng.uniform(0.3, 1.0)
    side = max(side, 32.0)
    x0 = rng.uniform(min(0.0, w - side), max(0.0, w - side))
    y0 = rng.uniform(min(0.0, h - side), max(0.0, h - side))
    scale = size / side
    m = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]], np.float32)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    out = cv2.warpAffine(img, m, (size, size), flags=interp, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=(104, 117, 123))
    b = (boxes - np.array([x0, y0, x0, y0], np.float32)) * scale
    area = np.maximum(b[:, 2] - b[:, 0], 0) * np.maximum(b[:, 3] - b[:, 1], 0)
    c = np.clip(b, 0, size)
    carea = np.maximum(c[:, 2] - c[:, 0], 0) * np.maximum(c[:, 3] - c[:, 1], 0)
    keep = carea > 0
    vis = np.where(area > 0, carea / np.maximum(area, 1e-6), 0)
    ign = ign.copy()
    ign |= vis < 0.6  # mostly cut off by the crop
    ign |= np.maximum(c[:, 2] - c[:, 0], c[:, 3] - c[:, 1]) < min_face
    b, ign = c[keep], ign[keep]
    if rng.random() < 0.5:
        out = out[:, ::-1].copy()
        b = np.stack([size - b[:, 2], b[:, 1], size - b[:, 0], b[:, 3]], 1) if len(b) else b
    out = _colour(out, rng)
    if rng.random() < a["blur"]:
        if a["blur_heavy"] > 0:
            out = _blur(out, rng, a["blur_heavy"])
        else:
            k = rng.choice([3, 5])
            out = cv2.GaussianBlur(out, (k, k), 0)
    if rng.random() < a["jpeg"]:
        q = int(rng.uniform(30, 90))
        ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])
        if ok:
            out = cv2.imdecode(enc, cv2.IMREAD_COLOR)
    return out, b.astype(np.float32).reshape(-1, 4), ign


def to_tensor_input(img_bgr):
    """uint8 HxWx3 BGR -> float32 3xHxW, (pixel - 128) / 128 (the network's input)."""
    return (img_bgr.astype(np.float32).transpose(2, 0, 1) - 128.0) / 128.0


class Batches:
    """Batch number i of the seeded stream, the same whichever process makes it or when:
    epoch e visits the images in the order of a permutation seeded by (seed, e); each
    crop's augmentation is seeded by (seed, i, slot).  Resuming needs only i."""

    def __init__(self, dataset, size, batch, seed, knobs=None):
        self.ds, self.size, self.batch, self.seed = dataset, size, batch, seed
        self.knobs = dict(knobs or {})
        unknown = set(self.knobs) - set(AUGMENT_DEFAULTS)
        if unknown:
            raise ValueError(f"unknown augment settings {sorted(unknown)}; known: {sorted(AUGMENT_DEFAULTS)}")
        self._perm_epoch, self._perm = -1, None

    def _order(self, epoch):
        if epoch != self._perm_epoch:
            self._perm = list(range(len(self.ds)))
            random.Random(self.seed * 7919 + epoch).shuffle(self._perm)
            self._perm_epoch = epoch
        return self._perm

    def __len__(self):
        return 1 << 40

    def __getitem__(self, i):
        imgs, targets = [], []
        n = len(self.ds)
        for slot in range(self.batch):
            k = i * self.batch + slot
            item = self.ds.items[self._order(k // n)[k % n]]
            rng = random.Random((self.seed * 1000003 + k) & 0xFFFFFFFFFFFF)
            img, b, ign = augment(item, self.size, rng, knobs=self.knobs)
            imgs.append(to_tensor_input(img))
            targets.append((b, ign))
        return np.stack(imgs), targets
