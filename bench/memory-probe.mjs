// Preloaded into the benchmark's server process (NODE_OPTIONS="--expose-gc --import …") by
// bench/realtime.ts: on SIGUSR2, a full collection, then one line with the heap and RSS, so memory
// per subscription is measured without garbage (VmRSS alone could not tell 1,000 from GC noise).
if (typeof globalThis.gc === 'function') {
  process.on('SIGUSR2', () => {
    globalThis.gc();
    globalThis.gc();
    const { heapUsed, rss } = process.memoryUsage();
    process.stderr.write(`${JSON.stringify({ memoryProbe: { pid: process.pid, heapUsed, rss } })}\n`);
  });
}
