"""Assignment (SimOTA) and losses (quality focal loss for the score, GIoU for the box).

Every cell is a candidate for the faces whose box or centre region (2.5 strides) holds
its centre; each face takes its k cheapest candidates, k = the sum of its 10 best IoUs
(at least 1), cost = -log p + 3 * -log IoU (+ a large penalty outside box-and-centre).
A cell claimed by two faces goes to the cheaper one.  The score of a positive learns the
IoU of its box (quality focal loss), so scores rank boxes by how well they fit.
Cells whose centre lies in a don't-care face and that no face claimed carry no loss.
"""
import torch
import torch.nn.functional as F

from model import STRIDES


def priors(h, w, strides=STRIDES, device="cpu"):
    """Cell centres and strides for an h x w input: [N, 3] (cx, cy, s), levels in order."""
    out = []
    for s in strides:
        gh, gw = h // s, w // s
        ys, xs = torch.meshgrid(torch.arange(gh, device=device), torch.arange(gw, device=device), indexing="ij")
        cx = (xs.reshape(-1).float() + 0.5) * s
        cy = (ys.reshape(-1).float() + 0.5) * s
        out.append(torch.stack([cx, cy, torch.full_like(cx, s)], 1))
    return torch.cat(out, 0)


def flatten(outputs):
    """Per-level (logit [B,1,h,w], box [B,4,h,w]) -> logits [B,N], box [B,N,4]."""
    logits = torch.cat([l.flatten(2) for l, _ in outputs], 2)[:, 0]
    boxes = torch.cat([b.flatten(2) for _, b in outputs], 2).transpose(1, 2)
    return logits, boxes


def decode(box, pri):
    """Raw box [.., N, 4] (log distances / stride) -> x1 y1 x2 y2."""
    d = torch.exp(box.clamp(max=8.0)) * pri[:, 2:3]
    cx, cy = pri[:, 0], pri[:, 1]
    return torch.stack([cx - d[..., 0], cy - d[..., 1], cx + d[..., 2], cy + d[..., 3]], -1)


def pairwise_iou(a, b):
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).clamp(min=0).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).clamp(min=0).prod(-1)
    return inter / (area_a[:, None] + area_b[None, :] - inter + 1e-9)


def giou(a, b):
    """Element-wise generalized IoU of matching rows; also the IoU."""
    lt = torch.max(a[:, :2], b[:, :2])
    rb = torch.min(a[:, 2:], b[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).clamp(min=0).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).clamp(min=0).prod(-1)
    union = area_a + area_b - inter + 1e-9
    iou = inter / union
    elt = torch.min(a[:, :2], b[:, :2])
    erb = torch.max(a[:, 2:], b[:, 2:])
    enclose = (erb - elt).clamp(min=0).prod(-1) + 1e-9
    return iou - (enclose - union) / enclose, iou


@torch.no_grad()
def simota(logit, pred, pri, gt, radius=2.5, topk=10):
    """One image: assigned gt index per cell (-1 = negative) and the IoU with it."""
    n = pri.shape[0]
    assigned = torch.full((n,), -1, dtype=torch.long)
    if gt.shape[0] == 0:
        return assigned
    cx, cy, s = pri[:, 0], pri[:, 1], pri[:, 2]
    in_box = (cx[None] > gt[:, 0:1]) & (cx[None] < gt[:, 2:3]) & (cy[None] > gt[:, 1:2]) & (cy[None] < gt[:, 3:4])
    gcx = (gt[:, 0:1] + gt[:, 2:3]) / 2
    gcy = (gt[:, 1:2] + gt[:, 3:4]) / 2
    in_ctr = ((cx[None] - gcx).abs() < radius * s[None]) & ((cy[None] - gcy).abs() < radius * s[None])
    cand = (in_box | in_ctr).any(0)
    idx = cand.nonzero()[:, 0]
    if idx.numel() == 0:
        return assigned
    ious = pairwise_iou(gt, pred[idx])  # [G, M]
    p = torch.sigmoid(logit[idx]).clamp(1e-6, 1 - 1e-6)
    both = (in_box & in_ctr)[:, idx]
    cost = -torch.log(p)[None] + 3.0 * -torch.log(ious + 1e-8) + 1e5 * (~both) + 1e6 * (~(in_box | in_ctr)[:, idx])
    k_top = min(topk, idx.numel())
    dyn_k = ious.topk(k_top, 1).values.sum(1).int().clamp(min=1)
    maxk = int(dyn_k.max())
    top = cost.topk(maxk, dim=1, largest=False).indices  # [G, maxk]
    take = (torch.arange(maxk)[None] < dyn_k[:, None]).float()
    match = torch.zeros_like(cost).scatter_(1, top, take) > 0
    match &= (in_box | in_ctr)[:, idx]
    multi = match.sum(0) > 1
    if multi.any():
        best = cost[:, multi].argmin(0)
        match[:, multi] = False
        match[best, multi.nonzero()[:, 0]] = True
    cols = match.any(0).nonzero()[:, 0]
    assigned[idx[cols]] = match[:, cols].float().argmax(0)
    return assigned


def ignored_cells(pri, ign_boxes):
    if ign_boxes.shape[0] == 0:
        return torch.zeros(pri.shape[0], dtype=torch.bool)
    cx, cy = pri[:, 0], pri[:, 1]
    inside = (cx[None] >= ign_boxes[:, 0:1]) & (cx[None] <= ign_boxes[:, 2:3]) & \
             (cy[None] >= ign_boxes[:, 1:2]) & (cy[None] <= ign_boxes[:, 3:4])
    return inside.any(0)


def detection_loss(outputs, targets, size, strides=STRIDES, box_weight=2.0):
    """outputs: model(x), one entry per stride; targets: list of (boxes [N,4] np, ignore [N] np)."""
    logits, raw = flatten(outputs)
    pri = priors(size, size, strides)
    pred = decode(raw, pri)
    b = logits.shape[0]
    score_t = torch.zeros_like(logits)
    weight = torch.ones_like(logits)
    pos_pred, pos_gt = [], []
    pos_index = []
    for i in range(b):
        boxes = torch.from_numpy(targets[i][0])
        ign = torch.from_numpy(targets[i][1])
        gt = boxes[~ign]
        assigned = simota(logits[i].detach(), pred[i].detach(), pri, gt)
        pos = assigned >= 0
        weight[i][ignored_cells(pri, boxes[ign]) & ~pos] = 0.0
        if pos.any():
            pos_index.append((i, pos.nonzero()[:, 0]))
            pos_gt.append(gt[assigned[pos]])
    num_pos = 0
    box_loss = logits.sum() * 0.0
    if pos_index:
        pp = torch.cat([pred[i][idx] for i, idx in pos_index])
        gg = torch.cat(pos_gt)
        g, iou = giou(pp, gg)
        num_pos = pp.shape[0]
        box_loss = (1.0 - g).sum()
        iou_t = iou.detach().clamp(min=0.01)
        start = 0
        for i, idx in pos_index:
            score_t[i, idx] = iou_t[start:start + idx.numel()]
            start += idx.numel()
    p = torch.sigmoid(logits)
    qfl = F.binary_cross_entropy_with_logits(logits, score_t, reduction="none") * (p - score_t).abs().pow(2.0)
    norm = max(num_pos, 1)
    cls_loss = (qfl * weight).sum() / norm
    box_loss = box_weight * box_loss / norm
    return cls_loss + box_loss, {"cls": float(cls_loss), "box": float(box_loss), "pos": num_pos / b}
