#include "tflite/net_builder.h"

#include <algorithm>
#include <exception>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace faceveil::tflite {
namespace {

using cv::dnn::DictValue;
using cv::dnn::LayerParams;

struct Blob {
  int layer = -1;  // -1: not available in this layout yet
  int pin = 0;
};

// A zero PAD that its only reader absorbs instead of a Padding layer: a
// convolution takes spatial padding into its own, an ADD takes appended
// channels. Any other use materializes the Padding layer after all.
struct DeferredPad {
  int source = -1;  // the tensor PAD reads
  const GraphOp* pad = nullptr;
  // Zero channels appended at the end, for a PAD read only by an ADD: OpenCV's
  // Eltwise sums inputs with fewer channels into the leading channels.
  bool channels_only = false;
  int top = 0, bottom = 0, left = 0, right = 0;
};

DictValue IntArray(const std::vector<int>& v) {
  return DictValue::arrayInt(v.data(), static_cast<int>(v.size()));
}

class Builder {
 public:
  explicit Builder(const Graph& g)
      : g_(g),
        file_(g.tensors.size()),
        nchw_(g.tensors.size()),
        deferred_(g.tensors.size()),
        readers_(g.tensors.size(), 0) {
    for (const GraphOp& op : g.ops) {
      for (int in : op.inputs) {
        if (in >= 0) ++readers_[in];
      }
    }
    for (int o : g.outputs) ++readers_[o];
  }

  BuiltNet Build() {
    net_.setInputsNames({"input"});
    nchw_[g_.input] = Blob{0, 0};
    for (size_t i = 0; i < g_.ops.size(); ++i) AddOp(i);
    BuiltNet result;
    for (int o : g_.outputs) {
      const Blob b = File(o);
      result.output_names.push_back(names_.at(b.layer));
    }
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    result.net = std::move(net_);
    return result;
  }

 private:
  bool IsImage(int t) const { return g_.tensors[t].shape.size() == 4; }

  Blob Add(const std::string& name, const std::string& type, LayerParams& p,
           const std::vector<Blob>& inputs) {
    p.name = name;
    p.type = type;
    const int id = net_.addLayer(name, type, p);
    for (size_t i = 0; i < inputs.size(); ++i) {
      net_.connect(inputs[i].layer, inputs[i].pin, id, static_cast<int>(i));
    }
    names_[id] = name;
    return Blob{id, 0};
  }

  std::string Name(int t) const { return "t" + std::to_string(t); }

  // The tensor as an NCHW blob (rank 4) or as is (other ranks).
  Blob Nchw(int t) {
    if (nchw_[t].layer < 0 && file_[t].layer < 0 && deferred_[t].pad) {
      EmitPadding(*deferred_[t].pad);
    }
    if (!IsImage(t)) return file_[t];
    if (nchw_[t].layer < 0) {
      LayerParams p;
      p.set("order", IntArray({0, 3, 1, 2}));
      nchw_[t] = Add(Name(t) + "/nchw", "Permute", p, {file_[t]});
    }
    return nchw_[t];
  }

  // The tensor in the file's layout (NHWC for rank 4).
  Blob File(int t) {
    if (nchw_[t].layer < 0 && file_[t].layer < 0 && deferred_[t].pad) {
      EmitPadding(*deferred_[t].pad);
    }
    if (file_[t].layer < 0) {
      LayerParams p;
      p.set("order", IntArray({0, 2, 3, 1}));
      file_[t] = Add(Name(t) + "/nhwc", "Permute", p, {nchw_[t]});
    }
    return file_[t];
  }

  // Records `b` as tensor t's value, adding the fused activation if any.
  void SetResult(const GraphOp& op, Blob b, bool nchw) {
    const int t = op.output;
    if (op.activation != Activation::kNone) {
      LayerParams p;
      std::string type = "ReLU";
      if (op.activation == Activation::kRelu6) {
        type = "ReLU6";
        p.set("min_value", 0.0f);
        p.set("max_value", 6.0f);
      } else if (op.activation == Activation::kReluN1To1) {
        type = "ReLU6";
        p.set("min_value", -1.0f);
        p.set("max_value", 1.0f);
      }
      b = Add(Name(t), type, p, {b});
    }
    (nchw && IsImage(t) ? nchw_[t] : file_[t]) = b;
  }

  // Layer name of an operator's main layer: the tensor's name unless an
  // activation layer follows and takes it.
  std::string MainName(const GraphOp& op) const {
    return op.activation == Activation::kNone ? Name(op.output)
                                              : Name(op.output) + "/pre";
  }

  void AddOp(size_t index) {
    const GraphOp& op = g_.ops[index];
    switch (op.kind) {
      case OpKind::kConv2D:
      case OpKind::kDepthwiseConv2D:
        return AddConvolution(op);
      case OpKind::kMaxPool2D: {
        LayerParams p;
        p.set("pool", "max");
        SetWindow(op, op.pad_top, op.pad_bottom, op.pad_left, op.pad_right, &p);
        p.set("ceil_mode", false);
        return SetResult(
            op, Add(MainName(op), "Pooling", p, {Nchw(op.inputs[0])}), true);
      }
      case OpKind::kAdd:
        return AddSum(op);
      case OpKind::kRelu: {
        LayerParams p;
        return SetResult(
            op, Add(Name(op.output), "ReLU", p, {Nchw(op.inputs[0])}), true);
      }
      case OpKind::kPad:
        return AddPad(op);
      case OpKind::kResizeBilinear: {
        const std::vector<int>& out = g_.tensors[op.output].shape;
        LayerParams p;
        p.set("interpolation", "bilinear");
        p.set("height", out[1]);
        p.set("width", out[2]);
        p.set("align_corners", op.align_corners);
        p.set("half_pixel_centers", op.half_pixel_centers);
        return SetResult(
            op, Add(MainName(op), "Resize", p, {Nchw(op.inputs[0])}), true);
      }
      case OpKind::kReshape: {
        LayerParams p;
        p.set("dim", IntArray(g_.tensors[op.output].shape));
        return SetResult(
            op, Add(MainName(op), "Reshape", p, {File(op.inputs[0])}), false);
      }
      case OpKind::kConcatenation:
        return AddConcatenation(op);
      case OpKind::kDepthToSpace:
        return AddDepthToSpace(op);
    }
  }

  static void SetWindow(const GraphOp& op, int top, int bottom, int left,
                        int right, LayerParams* p) {
    p->set("kernel_h", op.kernel_h);
    p->set("kernel_w", op.kernel_w);
    p->set("stride_h", op.stride_h);
    p->set("stride_w", op.stride_w);
    p->set("pad_t", top);
    p->set("pad_b", bottom);
    p->set("pad_l", left);
    p->set("pad_r", right);
  }

  void AddConvolution(const GraphOp& op) {
    const GraphTensor& filter = g_.tensors[op.inputs[1]];
    const std::vector<int>& w = filter.shape;
    const bool depthwise = op.kind == OpKind::kDepthwiseConv2D;
    const int out_channels = depthwise ? w[3] : w[0];
    const int kh = w[1], kw = w[2];
    const int in_per_group = depthwise ? 1 : w[3];
    // OpenCV wants [O, I / groups, KH, KW]; TFLite stores [O, KH, KW, I]
    // for convolutions and [1, KH, KW, O] for depthwise ones.
    const int sizes[] = {out_channels, in_per_group, kh, kw};
    cv::Mat weights(4, sizes, CV_32F);
    float* dst = weights.ptr<float>();
    const std::vector<float>& src = filter.floats;
    for (int o = 0; o < out_channels; ++o) {
      for (int i = 0; i < in_per_group; ++i) {
        for (int y = 0; y < kh; ++y) {
          for (int x = 0; x < kw; ++x) {
            const size_t from =
                depthwise ? (static_cast<size_t>(y) * kw + x) * out_channels + o
                          : ((static_cast<size_t>(o) * kh + y) * kw + x) *
                                    in_per_group +
                                i;
            *dst++ = src[from];
          }
        }
      }
    }
    cv::Mat bias = cv::Mat::zeros(1, out_channels, CV_32F);
    if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
      const std::vector<float>& b = g_.tensors[op.inputs[2]].floats;
      std::copy(b.begin(), b.end(), bias.ptr<float>());
    }
    LayerParams p;
    int input = op.inputs[0];
    int top = op.pad_top, bottom = op.pad_bottom, left = op.pad_left,
        right = op.pad_right;
    if (const DeferredPad& d = deferred_[input]; d.source >= 0) {
      input = d.source;
      top += d.top;
      bottom += d.bottom;
      left += d.left;
      right += d.right;
    }
    // OpenCV 4.6 convolutions only pad symmetrically; the excess on one side
    // (TFLite SAME puts the odd pixel after) becomes an explicit zero pad.
    Blob x = Nchw(input);
    const int pad_h = std::min(top, bottom), pad_w = std::min(left, right);
    if (top != bottom || left != right) {
      LayerParams pad;
      pad.set("paddings", IntArray({0, 0, 0, 0, top - pad_h, bottom - pad_h,
                                    left - pad_w, right - pad_w}));
      pad.set("value", 0.0f);
      pad.set("type", "constant");
      x = Add(Name(op.output) + "/pad", "Padding", pad, {x});
    }
    SetWindow(op, pad_h, pad_h, pad_w, pad_w, &p);
    p.set("dilation_h", op.dilation_h);
    p.set("dilation_w", op.dilation_w);
    p.set("num_output", out_channels);
    p.set("group", op.groups);
    p.set("bias_term", true);
    p.blobs = {weights, bias};
    SetResult(op, Add(MainName(op), "Convolution", p, {x}), true);
  }

  void AddPad(const GraphOp& op) {
    const int in = op.inputs[0];
    const std::vector<int>& pads = op.paddings;
    if (IsImage(in)) {
      // Spatial-only padding read by exactly one convolution is deferred.
      const bool spatial_only =
          pads[0] == 0 && pads[1] == 0 && pads[6] == 0 && pads[7] == 0;
      if (spatial_only && readers_[op.output] == 1 &&
          OnlyReader(op) == ReaderKind::kConvolution) {
        deferred_[op.output] =
            DeferredPad{in, &op, false, pads[2], pads[3], pads[4], pads[5]};
        return;
      }
      const bool appends_channels =
          pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0 &&
          pads[4] == 0 && pads[5] == 0 && pads[6] == 0;
      if (appends_channels && readers_[op.output] == 1 &&
          OnlyReader(op) == ReaderKind::kAdd) {
        deferred_[op.output] = DeferredPad{in, &op, true};
        return;
      }
    }
    EmitPadding(op);
  }

  void EmitPadding(const GraphOp& op) {
    const int in = op.inputs[0];
    const std::vector<int>& pads = op.paddings;
    std::vector<int> order = pads;
    if (IsImage(in)) {  // NHWC pairs to NCHW pairs
      order = {pads[0], pads[1], pads[6], pads[7],
               pads[2], pads[3], pads[4], pads[5]};
    }
    LayerParams p;
    p.set("paddings", IntArray(order));
    p.set("value", 0.0f);
    p.set("type", "constant");
    SetResult(op, Add(MainName(op), "Padding", p, {Nchw(in)}), true);
  }

  enum class ReaderKind { kOther, kConvolution, kAdd };

  // What reads the PAD's result (the caller checks there is one reader).
  ReaderKind OnlyReader(const GraphOp& pad) const {
    for (const GraphOp& op : g_.ops) {
      for (size_t i = 0; i < op.inputs.size(); ++i) {
        if (op.inputs[i] != pad.output) continue;
        if (op.kind == OpKind::kAdd && op.inputs[0] != op.inputs[1]) {
          return ReaderKind::kAdd;
        }
        const bool conv =
            op.kind == OpKind::kConv2D || op.kind == OpKind::kDepthwiseConv2D;
        return conv && i == 0 ? ReaderKind::kConvolution : ReaderKind::kOther;
      }
    }
    return ReaderKind::kOther;
  }

  // ADD; an operand that is a deferred channel PAD enters unpadded, with
  // the full-width operand first so that it sets the output channels.
  void AddSum(const GraphOp& op) {
    int a = op.inputs[0], b = op.inputs[1];
    if (deferred_[a].channels_only && !deferred_[b].channels_only) {
      std::swap(a, b);
    }
    LayerParams p;
    p.set("operation", "sum");
    if (deferred_[b].channels_only) {
      b = deferred_[b].source;
      p.set("output_channels_mode", "input_0");
    }
    SetResult(op, Add(MainName(op), "Eltwise", p, {Nchw(a), Nchw(b)}), true);
  }

  void AddConcatenation(const GraphOp& op) {
    const bool image = IsImage(op.output);
    std::vector<Blob> inputs;
    for (int in : op.inputs) inputs.push_back(image ? Nchw(in) : File(in));
    static constexpr int kNhwcToNchw[] = {0, 2, 3, 1};
    LayerParams p;
    p.set("axis", image ? kNhwcToNchw[op.axis] : op.axis);
    SetResult(op, Add(MainName(op), "Concat", p, inputs), true);
  }

  // TFLite DEPTH_TO_SPACE: out[n, h*b+i, w*b+j, c] = in[n, h, w, (i*b+j)*C+c].
  // From NCHW: split channels into (i, j, c) and order the axes (h, i, w, j,
  // c), which is the NHWC result; one Permute, and none more when a RESHAPE
  // (which needs the file layout) follows, as in BlazeFace. With batch 1 the
  // axes (j, c) stay adjacent, so a 4-D Permute (much faster in OpenCV than
  // a 6-D one) of [i, (j c), h, w] to [h, i, w, (j c)] does it.
  void AddDepthToSpace(const GraphOp& op) {
    const std::vector<int>& in = g_.tensors[op.inputs[0]].shape;
    const std::vector<int>& out = g_.tensors[op.output].shape;
    const int b = op.block_size;
    const std::string name = Name(op.output);
    const bool single = in[0] == 1;
    LayerParams split;
    split.set("dim", single ? IntArray({b, b * out[3], in[1], in[2]})
                            : IntArray({in[0], b, b, out[3], in[1], in[2]}));
    Blob x = Add(name + "/split", "Reshape", split, {Nchw(op.inputs[0])});
    LayerParams permute;
    permute.set("order",
                single ? IntArray({2, 0, 3, 1}) : IntArray({0, 4, 1, 5, 2, 3}));
    x = Add(name + "/interleave", "Permute", permute, {x});
    LayerParams merge;
    merge.set("dim", IntArray(out));
    SetResult(op, Add(MainName(op), "Reshape", merge, {x}), false);
  }

  const Graph& g_;
  cv::dnn::Net net_;
  std::vector<Blob> file_, nchw_;
  std::vector<DeferredPad> deferred_;
  std::vector<int> readers_;  // operators (and graph outputs) reading each
  std::map<int, std::string> names_;
};

}  // namespace

Result<BuiltNet> BuildNetFromGraph(const Graph& graph) {
  try {
    return Builder(graph).Build();
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("OpenCV rejected the network: ") +
                            e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("building the network failed: ") +
                            e.what());
  }
}

}  // namespace faceveil::tflite
