// Test-only oracle: runs @vladmandic/face-api's own SSD MobileNet V1 (on
// TensorFlow.js's WebAssembly backend; ORACLE_BACKEND=cpu for the pure-JS
// one, ~10x slower) on a binary PPM (P6) image and prints
// JSON: the faces locateFaces() returns, and the raw decoded boxes and scores
// of every anchor, so faceveil's loader can be compared with it.
//
// Usage: node ssd_oracle.js IMAGE.ppm [MIN_CONFIDENCE]
'use strict';
const fs = require('fs');
const path = require('path');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const tf = faceapi.tf;

function readPpm(file) {
  const data = fs.readFileSync(file);
  // Header: "P6", width, height, maxval, separated by whitespace, then one
  // whitespace byte and width*height*3 bytes.
  const fields = [];
  let pos = 0;
  while (fields.length < 4) {
    while (pos < data.length && /\s/.test(String.fromCharCode(data[pos]))) pos++;
    const start = pos;
    while (pos < data.length && !/\s/.test(String.fromCharCode(data[pos]))) pos++;
    if (start === pos) throw new Error(`${file}: truncated PPM header`);
    fields.push(data.toString('latin1', start, pos));
  }
  pos++;
  const [magic, w, h, maxval] = [fields[0], +fields[1], +fields[2], +fields[3]];
  if (magic !== 'P6' || maxval !== 255) throw new Error(`${file}: not an 8-bit P6 PPM`);
  if (data.length - pos < w * h * 3) throw new Error(`${file}: truncated PPM pixels`);
  return tf.tensor3d(new Int32Array(data.subarray(pos, pos + w * h * 3)), [h, w, 3], 'int32');
}

async function main() {
  const [image, minConfidenceArg] = process.argv.slice(2);
  if (!image) throw new Error('usage: node ssd_oracle.js IMAGE.ppm [MIN_CONFIDENCE]');
  const minConfidence = minConfidenceArg ? Number(minConfidenceArg) : 0.5;
  await tf.setBackend(process.env.ORACLE_BACKEND || 'wasm');
  await tf.ready();
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  const net = faceapi.nets.ssdMobilenetv1;

  const input = readPpm(image);
  const faces = await net.locateFaces(input, { minConfidence, maxResults: 100 });
  const netInput = await faceapi.toNetInput(input);
  const raw = net.forwardInput(netInput);
  const out = {
    width: input.shape[1],
    height: input.shape[0],
    faces: faces.map((f) => ({
      box: [f.box.x, f.box.y, f.box.width, f.box.height],
      score: f.score,
    })),
    // [ymin, xmin, ymax, xmax] relative to the padded square, one per anchor.
    boxes: Array.from(raw.boxes[0].dataSync()),
    scores: Array.from(raw.scores[0].dataSync()),
  };
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`ssd_oracle: ${e.message}\n`);
  process.exit(1);
});
