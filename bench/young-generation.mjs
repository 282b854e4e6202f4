// How large V8 lets the young generation grow on this host: allocate many short-lived objects, then
// read the new space's size. `node bench/young-generation.mjs` (add --max-semi-space-size=16 to compare).
import v8 from 'node:v8';

let keep = [];
for (let i = 0; i < 3e7; i++) {
  keep.push({ i, s: `x${i}` });
  if (keep.length > 200_000) keep = [];
}
const mb = (bytes) => (bytes / 1048576).toFixed(1);
const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
console.log(`${process.version}: new space ${mb(newSpace.space_size)} MB, heap limit ${mb(v8.getHeapStatistics().heap_size_limit)} MB`);
