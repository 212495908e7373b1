// Loaded with `node --import ./benchmarks/node/memory-sampler.mjs …`: samples the process's memory and,
// on exit, writes the peaks as JSON to $MEMORY_SAMPLE_OUT (bench:scale, src/cli/commands/stream-memory.test.ts).
// Every 50 ms: RSS and V8's used heap. With MEMORY_SAMPLE_GC=1 (and node --expose-gc) also every 250 ms
// a full collection first, so `liveHeapBytes` is the peak of what the run holds, not of its garbage.
import { writeFileSync } from 'node:fs';

const out = process.env.MEMORY_SAMPLE_OUT;
if (out) {
  const peak = { rssBytes: 0, heapUsedBytes: 0, liveHeapBytes: 0, externalBytes: 0, arrayBuffersBytes: 0, samples: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rssBytes = Math.max(peak.rssBytes, m.rss);
    peak.heapUsedBytes = Math.max(peak.heapUsedBytes, m.heapUsed);
    peak.externalBytes = Math.max(peak.externalBytes, m.external);
    peak.arrayBuffersBytes = Math.max(peak.arrayBuffersBytes, m.arrayBuffers);
    peak.samples++;
  };
  setInterval(sample, 50).unref();
  const gc = globalThis.gc;
  if (process.env.MEMORY_SAMPLE_GC === '1' && typeof gc === 'function')
    setInterval(() => {
      gc();
      peak.liveHeapBytes = Math.max(peak.liveHeapBytes, process.memoryUsage().heapUsed);
    }, 250).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(out, JSON.stringify(peak) + '\n');
  });
}
