// Test-only oracle: runs @vladmandic/face-api's own 68-landmark and face
// recognition networks (TensorFlow.js, WebAssembly backend; ORACLE_BACKEND=cpu
// for the pure-JS one) on one face of a binary PPM (P6) image, the way its
// detectAllFaces().withFaceLandmarks().withFaceDescriptors() chain does
// after detection, and prints JSON: the 68 landmarks in image pixels, the
// dlib-aligned rectangle and the 128-d descriptor.
//
// Usage: node identity_oracle.js IMAGE.ppm X Y W H   (the face box, pixels)
'use strict';
const fs = require('fs');
const path = require('path');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const tf = faceapi.tf;

function readPpm(file) {
  const data = fs.readFileSync(file);
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
  const args = process.argv.slice(2);
  if (args.length !== 5) throw new Error('usage: node identity_oracle.js IMAGE.ppm X Y W H');
  const [x, y, w, h] = args.slice(1).map(Number);
  await tf.setBackend(process.env.ORACLE_BACKEND || 'wasm');
  await tf.ready();
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);

  const input = readPpm(args[0]);
  // DetectAllFaceLandmarksTask: the box's crop, landmarks, shifted by the box.
  const box = new faceapi.Rect(x, y, w, h);
  const [crop] = await faceapi.extractFaceTensors(input, [box]);
  const unshifted = await faceapi.nets.faceLandmark68Net.detectLandmarks(crop);
  const landmarks = unshifted.shiftBy(x, y);
  // ComputeAllFaceDescriptorsTask: dlib's alignment, crop, descriptor.
  const aligned = landmarks.align(null, { useDlibAlignment: true });
  const [face] = await faceapi.extractFaceTensors(input, [aligned]);
  const descriptor = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(face);
  process.stdout.write(JSON.stringify({
    landmarks: landmarks.positions.map((p) => [p.x, p.y]),
    aligned: [aligned.x, aligned.y, aligned.width, aligned.height],
    descriptor: Array.from(descriptor),
  }));
}

main().catch((e) => {
  process.stderr.write(`identity_oracle: ${e.message}\n`);
  process.exit(1);
});
