#include "tflite/operators.h"

#include <cstdint>
#include <string>

#include "tflite/model.h"
#include "tflite/op_names.h"

namespace faceveil::tflite {

std::string ShapeString(const std::vector<int>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

namespace {

int64_t Elements(const std::vector<int>& shape) {
  int64_t n = 1;
  for (int d : shape) n *= d;
  return n;
}

// Reads inputs and output of `op` and checks counts and constness.
class OpReader {
 public:
  OpReader(int code, const schema::Operator& op,
           const std::vector<GraphTensor>& tensors)
      : code_(code), op_(op), tensors_(tensors) {}

  Status Error(const std::string& what) const {
    return Status::Corrupt(DescribeBuiltinOperator(code_) + ": " + what);
  }
  Status Unsupported(const std::string& what) const {
    return Status::Unsupported(DescribeBuiltinOperator(code_) + ": " + what);
  }

  // Fills op->inputs and op->output. Optional inputs (-1) are kept as -1.
  Status Read(size_t min_inputs, size_t max_inputs, GraphOp* op) const {
    const auto* inputs = op_.inputs();
    const auto* outputs = op_.outputs();
    const size_t n = inputs ? inputs->size() : 0;
    if (n < min_inputs || n > max_inputs) {
      return Error("expected " + std::to_string(min_inputs) + ".." +
                   std::to_string(max_inputs) + " inputs, found " +
                   std::to_string(n));
    }
    if (!outputs || outputs->size() != 1) {
      return Error("expected exactly one output");
    }
    for (size_t i = 0; i < n; ++i) {
      const int index = inputs->Get(i);
      if (index < 0 && i < min_inputs)
        return Error("a required input is missing");
      op->inputs.push_back(index);
    }
    op->output = outputs->Get(0);
    return Status::Ok();
  }

  const GraphTensor& T(int index) const { return tensors_[index]; }

  // A non-constant float tensor of rank `rank` (0: any rank).
  Status Activation(int index, size_t rank, const char* what) const {
    if (index < 0) return Error(std::string(what) + " is missing");
    const GraphTensor& t = T(index);
    if (t.is_constant) {
      return Unsupported(std::string(what) + " must not be a constant");
    }
    if (rank && t.shape.size() != rank) {
      return Error(std::string(what) + " has shape " + ShapeString(t.shape) +
                   ", expected rank " + std::to_string(rank));
    }
    return Status::Ok();
  }

  // A constant float tensor with exactly `shape`.
  Status FloatConstant(int index, const std::vector<int>& shape,
                       const char* what) const {
    const GraphTensor& t = T(index);
    if (!t.is_constant || t.is_integer) {
      return Unsupported(std::string(what) + " must be a float constant");
    }
    if (t.shape != shape) {
      return Error(std::string(what) + " has shape " + ShapeString(t.shape) +
                   ", expected " + ShapeString(shape));
    }
    return Status::Ok();
  }

  Status ExpectOutputShape(const GraphOp& op,
                           const std::vector<int>& expected) const {
    if (T(op.output).shape != expected) {
      return Error("output shape " + ShapeString(T(op.output).shape) +
                   " does not match the computed " + ShapeString(expected));
    }
    return Status::Ok();
  }

 private:
  int code_;
  const schema::Operator& op_;
  const std::vector<GraphTensor>& tensors_;
};

Result<Activation> ToActivation(schema::ActivationFunctionType f) {
  switch (f) {
    case schema::ActivationFunctionType_NONE:
      return Activation::kNone;
    case schema::ActivationFunctionType_RELU:
      return Activation::kRelu;
    case schema::ActivationFunctionType_RELU_N1_TO_1:
      return Activation::kReluN1To1;
    case schema::ActivationFunctionType_RELU6:
      return Activation::kRelu6;
    default:
      return Status::Unsupported("fused activation function " +
                                 std::to_string(static_cast<int>(f)));
  }
}

// Output size and padding of one spatial dimension, as TFLite computes them.
// Returns false if the window does not fit.
bool Window(int in, int kernel, int stride, int dilation, bool same, int* out,
            int* pad_before, int* pad_after) {
  if (in <= 0 || kernel <= 0 || stride <= 0 || dilation <= 0) return false;
  const int64_t effective = int64_t{kernel - 1} * dilation + 1;
  if (same) {
    *out = (in + stride - 1) / stride;
    const int64_t total =
        std::max<int64_t>(0, int64_t{*out - 1} * stride + effective - in);
    *pad_before = static_cast<int>(total / 2);
    *pad_after = static_cast<int>(total - total / 2);
  } else {
    if (effective > in) return false;
    *out = static_cast<int>((in - effective) / stride + 1);
    *pad_before = *pad_after = 0;
  }
  return true;
}

template <typename Options>
Status SetWindow(const OpReader& r, const Options& o, int kernel_h,
                 int kernel_w, int dilation_h, int dilation_w,
                 const std::vector<int>& in, GraphOp* op, int* out_h,
                 int* out_w) {
  op->kernel_h = kernel_h;
  op->kernel_w = kernel_w;
  op->stride_h = o.stride_h();
  op->stride_w = o.stride_w();
  op->dilation_h = dilation_h;
  op->dilation_w = dilation_w;
  const bool same = o.padding() == schema::Padding_SAME;
  if (o.padding() != schema::Padding_SAME &&
      o.padding() != schema::Padding_VALID) {
    return r.Error("unknown padding");
  }
  if (!Window(in[1], kernel_h, op->stride_h, dilation_h, same, out_h,
              &op->pad_top, &op->pad_bottom) ||
      !Window(in[2], kernel_w, op->stride_w, dilation_w, same, out_w,
              &op->pad_left, &op->pad_right)) {
    return r.Error("window " + std::to_string(kernel_h) + "x" +
                   std::to_string(kernel_w) + ", stride " +
                   std::to_string(op->stride_h) + "x" +
                   std::to_string(op->stride_w) + " does not fit input " +
                   ShapeString(in));
  }
  return Status::Ok();
}

// The part conv and depthwise conv share once their filter is checked: the
// fused activation, the window (kernel, stride, dilation, SAME/VALID
// padding) and the output shape.
template <typename Options>
Status SetConvolution(const OpReader& r, const Options& o,
                      const std::vector<int>& in, const std::vector<int>& w,
                      int channels_out, GraphOp* op) {
  auto act = ToActivation(o.fused_activation_function());
  if (!act.ok()) return act.status();
  op->activation = *act;
  int oh = 0, ow = 0;
  FACEVEIL_RETURN_IF_ERROR(SetWindow(r, o, w[1], w[2], o.dilation_h_factor(),
                                     o.dilation_w_factor(), in, op, &oh, &ow));
  return r.ExpectOutputShape(*op, {in[0], oh, ow, channels_out});
}

Status ParseConvolution(int code, const OpReader& r, const schema::Operator& f,
                        GraphOp* op) {
  const bool depthwise = code == kOpDepthwiseConv2D;
  op->kind = depthwise ? OpKind::kDepthwiseConv2D : OpKind::kConv2D;
  FACEVEIL_RETURN_IF_ERROR(r.Read(2, 3, op));
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[0], 4, "input"));
  const std::vector<int>& in = r.T(op->inputs[0]).shape;
  const std::vector<int>& w = r.T(op->inputs[1]).shape;
  if (w.size() != 4) return r.Error("filter must have rank 4");
  FACEVEIL_RETURN_IF_ERROR(r.FloatConstant(op->inputs[1], w, "filter"));
  const int channels_in = in[3];
  int channels_out = w[depthwise ? 3 : 0];
  if (depthwise) {
    const auto* o = f.builtin_options_as_DepthwiseConv2DOptions();
    if (!o) return r.Error("missing DepthwiseConv2DOptions");
    if (w[0] != 1 || channels_out % channels_in != 0 ||
        (o->depth_multiplier() > 0 &&
         channels_out != channels_in * o->depth_multiplier())) {
      return r.Error("filter " + ShapeString(w) + " does not fit input " +
                     ShapeString(in));
    }
    op->groups = channels_in;
    FACEVEIL_RETURN_IF_ERROR(SetConvolution(r, *o, in, w, channels_out, op));
  } else {
    const auto* o = f.builtin_options_as_Conv2DOptions();
    if (!o) return r.Error("missing Conv2DOptions");
    if (w[3] != channels_in) {
      return r.Unsupported("filter " + ShapeString(w) +
                           " does not match input " + ShapeString(in) +
                           " (grouped convolution)");
    }
    FACEVEIL_RETURN_IF_ERROR(SetConvolution(r, *o, in, w, channels_out, op));
  }
  if (op->inputs.size() == 3 && op->inputs[2] >= 0) {
    FACEVEIL_RETURN_IF_ERROR(
        r.FloatConstant(op->inputs[2], {channels_out}, "bias"));
  }
  return Status::Ok();
}

Status ParseMaxPool(const OpReader& r, const schema::Operator& f, GraphOp* op) {
  op->kind = OpKind::kMaxPool2D;
  FACEVEIL_RETURN_IF_ERROR(r.Read(1, 1, op));
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[0], 4, "input"));
  const auto* o = f.builtin_options_as_Pool2DOptions();
  if (!o) return r.Error("missing Pool2DOptions");
  auto act = ToActivation(o->fused_activation_function());
  if (!act.ok()) return act.status();
  op->activation = *act;
  const std::vector<int>& in = r.T(op->inputs[0]).shape;
  int oh = 0, ow = 0;
  FACEVEIL_RETURN_IF_ERROR(SetWindow(
      r, *o, o->filter_height(), o->filter_width(), 1, 1, in, op, &oh, &ow));
  return r.ExpectOutputShape(*op, {in[0], oh, ow, in[3]});
}

Status ParseAdd(const OpReader& r, const schema::Operator& f, GraphOp* op) {
  op->kind = OpKind::kAdd;
  FACEVEIL_RETURN_IF_ERROR(r.Read(2, 2, op));
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[0], 0, "first operand"));
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[1], 0, "second operand"));
  if (const auto* o = f.builtin_options_as_AddOptions()) {
    auto act = ToActivation(o->fused_activation_function());
    if (!act.ok()) return act.status();
    op->activation = *act;
  }
  const std::vector<int>& a = r.T(op->inputs[0]).shape;
  if (r.T(op->inputs[1]).shape != a) {
    return r.Unsupported("operands " + ShapeString(a) + " and " +
                         ShapeString(r.T(op->inputs[1]).shape) +
                         " differ (broadcasting)");
  }
  return r.ExpectOutputShape(*op, a);
}

Status ParsePad(const OpReader& r, GraphOp* op) {
  op->kind = OpKind::kPad;
  FACEVEIL_RETURN_IF_ERROR(r.Read(2, 2, op));
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[0], 0, "input"));
  const std::vector<int>& in = r.T(op->inputs[0]).shape;
  const GraphTensor& p = r.T(op->inputs[1]);
  if (in.empty() || in.size() > 4) return r.Unsupported("input rank");
  if (!p.is_constant || !p.is_integer ||
      p.shape != std::vector<int>{static_cast<int>(in.size()), 2}) {
    return r.Unsupported("paddings must be a constant integer [rank, 2]");
  }
  std::vector<int> out = in;
  for (size_t d = 0; d < in.size(); ++d) {
    const int64_t before = p.ints[2 * d], after = p.ints[2 * d + 1];
    if (before < 0 || after < 0 || before > (1 << 16) || after > (1 << 16)) {
      return r.Error("bad padding amount");
    }
    op->paddings.push_back(static_cast<int>(before));
    op->paddings.push_back(static_cast<int>(after));
    out[d] += static_cast<int>(before + after);
  }
  return r.ExpectOutputShape(*op, out);
}

Status ParseResize(const OpReader& r, const schema::Operator& f, GraphOp* op) {
  op->kind = OpKind::kResizeBilinear;
  FACEVEIL_RETURN_IF_ERROR(r.Read(2, 2, op));
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[0], 4, "input"));
  if (const auto* o = f.builtin_options_as_ResizeBilinearOptions()) {
    op->align_corners = o->align_corners();
    op->half_pixel_centers = o->half_pixel_centers();
  }
  if (op->align_corners && op->half_pixel_centers) {
    return r.Error("align_corners and half_pixel_centers are exclusive");
  }
  const GraphTensor& size = r.T(op->inputs[1]);
  if (!size.is_constant || !size.is_integer ||
      size.shape != std::vector<int>{2}) {
    return r.Unsupported("size must be a constant integer [2]");
  }
  const std::vector<int>& in = r.T(op->inputs[0]).shape;
  if (size.ints[0] <= 0 || size.ints[1] <= 0 || size.ints[0] > (1 << 16) ||
      size.ints[1] > (1 << 16)) {
    return r.Error("bad size");
  }
  return r.ExpectOutputShape(*op, {in[0], static_cast<int>(size.ints[0]),
                                   static_cast<int>(size.ints[1]), in[3]});
}

Status ParseReshape(const OpReader& r, GraphOp* op) {
  op->kind = OpKind::kReshape;
  FACEVEIL_RETURN_IF_ERROR(r.Read(1, 2, op));
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[0], 0, "input"));
  // The new shape is the output tensor's shape; the optional shape input
  // and ReshapeOptions.new_shape say the same with -1 unresolved.
  if (Elements(r.T(op->inputs[0]).shape) != Elements(r.T(op->output).shape)) {
    return r.Error("reshape from " + ShapeString(r.T(op->inputs[0]).shape) +
                   " to " + ShapeString(r.T(op->output).shape) +
                   " changes the number of elements");
  }
  return Status::Ok();
}

Status ParseConcatenation(const OpReader& r, const schema::Operator& f,
                          GraphOp* op) {
  op->kind = OpKind::kConcatenation;
  FACEVEIL_RETURN_IF_ERROR(r.Read(1, 1000, op));
  const auto* o = f.builtin_options_as_ConcatenationOptions();
  if (!o) return r.Error("missing ConcatenationOptions");
  auto act = ToActivation(o->fused_activation_function());
  if (!act.ok()) return act.status();
  op->activation = *act;
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[0], 0, "input"));
  std::vector<int> out = r.T(op->inputs[0]).shape;
  const int rank = static_cast<int>(out.size());
  int axis = o->axis();
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return r.Error("axis out of range");
  op->axis = axis;
  for (size_t i = 1; i < op->inputs.size(); ++i) {
    FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[i], rank, "input"));
    const std::vector<int>& s = r.T(op->inputs[i]).shape;
    for (int d = 0; d < rank; ++d) {
      if (d != axis && s[d] != out[d]) {
        return r.Error("inputs differ outside the concatenation axis");
      }
    }
    out[axis] += s[axis];
  }
  return r.ExpectOutputShape(*op, out);
}

Status ParseDepthToSpace(const OpReader& r, const schema::Operator& f,
                         GraphOp* op) {
  op->kind = OpKind::kDepthToSpace;
  FACEVEIL_RETURN_IF_ERROR(r.Read(1, 1, op));
  FACEVEIL_RETURN_IF_ERROR(r.Activation(op->inputs[0], 4, "input"));
  const auto* o = f.builtin_options_as_DepthToSpaceOptions();
  if (!o || o->block_size() < 1 || o->block_size() > 64) {
    return r.Error("missing or bad block_size");
  }
  const int b = o->block_size();
  op->block_size = b;
  const std::vector<int>& in = r.T(op->inputs[0]).shape;
  if (in[3] % (b * b) != 0) {
    return r.Error("channels not divisible by block_size squared");
  }
  return r.ExpectOutputShape(*op,
                             {in[0], in[1] * b, in[2] * b, in[3] / (b * b)});
}

}  // namespace

Result<GraphOp> ParseOperator(int code, const schema::Operator& op,
                              const std::vector<GraphTensor>& tensors) {
  OpReader r(code, op, tensors);
  GraphOp g;
  Status s;
  switch (code) {
    case kOpConv2D:
    case kOpDepthwiseConv2D:
      s = ParseConvolution(code, r, op, &g);
      break;
    case kOpMaxPool2D:
      s = ParseMaxPool(r, op, &g);
      break;
    case kOpAdd:
      s = ParseAdd(r, op, &g);
      break;
    case kOpRelu:
      g.kind = OpKind::kRelu;
      s = r.Read(1, 1, &g);
      if (s.ok()) s = r.Activation(g.inputs[0], 0, "input");
      if (s.ok()) s = r.ExpectOutputShape(g, tensors[g.inputs[0]].shape);
      break;
    case kOpPad:
      s = ParsePad(r, &g);
      break;
    case kOpResizeBilinear:
      s = ParseResize(r, op, &g);
      break;
    case kOpReshape:
      s = ParseReshape(r, &g);
      break;
    case kOpConcatenation:
      s = ParseConcatenation(r, op, &g);
      break;
    case kOpDepthToSpace:
      s = ParseDepthToSpace(r, op, &g);
      break;
    default:
      return Status::Unsupported("unsupported TFLite operator " +
                                 DescribeBuiltinOperator(code));
  }
  if (!s.ok()) return s;
  return g;
}

}  // namespace faceveil::tflite
