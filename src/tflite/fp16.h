// IEEE 754 binary16 ("half") to binary32 conversion, used when folding the
// DEQUANTIZE operators that TFLite puts after fp16 weights.
#ifndef FACEVEIL_TFLITE_FP16_H_
#define FACEVEIL_TFLITE_FP16_H_

#include <cstdint>

namespace faceveil::tflite {

// Exact for every input: subnormals, signed zeros and infinities map to the
// same value in float; NaNs stay NaN (payload kept in the high bits).
float HalfToFloat(uint16_t half);

}  // namespace faceveil::tflite

#endif  // FACEVEIL_TFLITE_FP16_H_
