"""faceveil's own face detector: a small anchor-free network for crowds and tiny faces.

One prediction per cell at strides 8, 16 and 32 (no anchors), and with `p4` > 0 also at
stride 4 (a narrow level for faces under ~16 px): a face score and four
box distances (left, top, right, bottom) as log multiples of the stride.  The graph is
convolutions, batch norm, ReLU, nearest 2x upsampling and additions only, so any input
whose sides are multiples of 32 runs in OpenCV's DNN without reshapes.

Outputs, per level s in net.strides ((4,) 8, 16, 32): score_s [1, 1, H/s, W/s] (sigmoid applied) and
box_s [1, 4, H/s, W/s] (raw; distance = exp(box) * s from the cell centre
((col + 0.5) * s, (row + 0.5) * s)).  The input is BGR, (pixel - 128) / 128.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDES = (8, 16, 32)  # the levels every model has; FaceNet.strides adds 4 with p4


def conv_bn(cin, cout, k=3, s=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return layers


class DwSep(nn.Sequential):
    """Depthwise 3x3 (with stride) then pointwise 1x1, each with BN + ReLU."""

    def __init__(self, cin, cout, stride=1):
        super().__init__(*conv_bn(cin, cin, 3, stride, groups=cin),
                         *conv_bn(cin, cout, 1))


class Block(nn.Module):
    """DwSep with a residual connection when the shape allows it."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.body = DwSep(cin, cout, stride)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class FaceNet(nn.Module):
    def __init__(self, widths=(16, 24, 48, 64, 96), depths=(1, 3, 3, 2), neck=48, p4=0, tower=0):
        super().__init__()
        self.strides = ((4,) if p4 else ()) + STRIDES
        w = widths
        self.stem = nn.Sequential(*conv_bn(3, w[0], 3, 2))  # /2
        stages = []
        cin = w[0]
        for i, (cout, d) in enumerate(zip(w[1:], depths)):
            blocks = [Block(cin, cout, 2)] + [Block(cout, cout) for _ in range(d - 1)]
            stages.append(nn.Sequential(*blocks))
            cin = cout
        self.stage4, self.stage8, self.stage16, self.stage32 = stages
        self.lat = nn.ModuleList([nn.Sequential(*conv_bn(c, neck, 1)) for c in w[2:]])
        self.smooth = nn.ModuleList([DwSep(neck, neck) for _ in STRIDES])
        # `tower` residual blocks per level between the neck and the 1x1 heads (run v7):
        # more depth where the score is decided, at the neck's width.
        self.tower = nn.ModuleList([nn.Sequential(*[Block(neck, neck) for _ in range(tower)])
                                    for _ in STRIDES]) if tower else None
        self.head_score = nn.ModuleList([nn.Conv2d(neck, 1, 1) for _ in STRIDES])
        self.head_box = nn.ModuleList([nn.Conv2d(neck, 4, 1) for _ in STRIDES])
        self.p4 = p4
        if p4:
            # Stride 4: its own modules (not list entries), so that a 3-level model's
            # weights load into it unchanged (--init) and only these start fresh.
            self.lat4 = nn.Sequential(*conv_bn(w[1], p4, 1))
            self.reduce4 = nn.Sequential(*conv_bn(neck, p4, 1))
            self.smooth4 = DwSep(p4, p4)
            self.head4_score = nn.Conv2d(p4, 1, 1)
            self.head4_box = nn.Conv2d(p4, 4, 1)
            self.tower4 = nn.Sequential(*[Block(p4, p4) for _ in range(tower)]) if tower else None
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        prior = 0.01  # focal-loss style start: few positives among many cells
        scores, boxes = list(self.head_score), list(self.head_box)
        if p4:
            scores.append(self.head4_score)
            boxes.append(self.head4_box)
        for h in scores:
            nn.init.normal_(h.weight, std=0.01)
            nn.init.constant_(h.bias, -4.595)  # log(prior / (1 - prior))
        for h in boxes:
            nn.init.normal_(h.weight, std=0.01)
            nn.init.constant_(h.bias, 0.3)

    def features(self, x):
        x = self.stem(x)
        c2 = self.stage4(x)
        c3 = self.stage8(c2)
        c4 = self.stage16(c3)
        c5 = self.stage32(c4)
        p5 = self.lat[2](c5)
        p4 = self.lat[1](c4) + F.interpolate(p5, scale_factor=2.0, mode="nearest")
        p3 = self.lat[0](c3) + F.interpolate(p4, scale_factor=2.0, mode="nearest")
        feats = [s(p) for s, p in zip(self.smooth, (p3, p4, p5))]
        if self.tower is not None:
            feats = [t(f) for t, f in zip(self.tower, feats)]
        if self.p4:
            p2 = self.lat4(c2) + F.interpolate(self.reduce4(p3), scale_factor=2.0, mode="nearest")
            f4 = self.smooth4(p2)
            feats.insert(0, self.tower4(f4) if self.tower4 is not None else f4)
        return feats

    def damp_new_blocks(self, missing):
        """After loading a smaller model's weights (train.py --init): each residual Block
        whose weights were missing starts as almost the identity (its last batch norm's
        scale 0.01, not 0, so its ReLU still passes gradients), so the grown network
        begins where the smaller one stopped.  Returns the damped blocks' names."""
        damped = []
        for name, m in self.named_modules():
            if isinstance(m, Block) and m.residual and any(k.startswith(name + ".") for k in missing):
                bn = m.body[4]
                nn.init.constant_(bn.weight, 0.01)
                nn.init.zeros_(bn.bias)
                damped.append(name)
        return damped

    def forward(self, x):
        """Training form: per level of self.strides (score logits [B,1,h,w], box [B,4,h,w])."""
        feats = self.features(x)
        heads_score, heads_box = list(self.head_score), list(self.head_box)
        if self.p4:
            heads_score.insert(0, self.head4_score)
            heads_box.insert(0, self.head4_box)
        return [(hs(f), hb(f)) for f, hs, hb in zip(feats, heads_score, heads_box)]


class ExportWrapper(nn.Module):
    """Inference form: sigmoid scores; outputs score_8, box_8, score_16, ..."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        outs = []
        for logit, box in self.net(x):
            outs += [torch.sigmoid(logit), box]
        return tuple(outs)


def count_params(net):
    return sum(p.numel() for p in net.parameters())


def count_macs(net, h, w):
    """Multiply-accumulates of the convolutions for one h x w input."""
    macs = [0]

    def hook(m, inp, out):
        k = m.weight.numel() // m.out_channels  # cin/groups * kh * kw
        macs[0] += out.numel() * k

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        net.eval()
        net(torch.zeros(1, 3, h, w))
    for hk in hs:
        hk.remove()
    return macs[0]
