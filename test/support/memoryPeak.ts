/**
 * Runs `work` while sampling this process's memory every 20 ms; returns its value, the seconds it took
 * and the peak growth over where it started (RSS, V8 heap, ArrayBuffers + external). For the store's
 * memory proof (test) and bench.
 */
export interface MemoryPeak {
  rss: number;
  heap: number;
  buffers: number;
}

export async function withMemoryPeak<T>(work: () => Promise<T>): Promise<{ value: T; secs: number; peak: MemoryPeak }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  const peak: MemoryPeak = { rss: 0, heap: 0, buffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss - base.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed - base.heapUsed);
    peak.buffers = Math.max(peak.buffers, m.arrayBuffers + m.external - base.arrayBuffers - base.external);
  };
  const timer = setInterval(sample, 20);
  const t0 = process.hrtime.bigint();
  try {
    const value = await work();
    sample();
    return { value, secs: Number(process.hrtime.bigint() - t0) / 1e9, peak };
  } finally {
    clearInterval(timer);
  }
}
