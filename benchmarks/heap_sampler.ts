/**
 * Peak memory of the benchmark process while a piece of work runs, measured
 * two ways:
 *
 * - peak heap: `heapUsed` read every 20 ms. It counts garbage V8 has not
 *   collected yet, so it says as much about when V8 collects as about what
 *   the work holds.
 * - peak live heap: every 2 s a full collection (`gc()`, which needs
 *   `node --expose-gc`), then `heapUsed`: what the work really keeps alive.
 *   Memory targets are on this figure. The collections cost a few percent
 *   of wall time, which the timing figures include.
 */
export const HEAP_METHOD =
  'peak live heap = highest heapUsed right after a forced full GC, every 2 s and at the end ' +
  '(node --expose-gc); peak heap = highest heapUsed sampled every 20 ms, garbage included'

const SAMPLE_MS = 20
const LIVE_SAMPLE_MS = 2_000

export interface HeapPeaks {
  peakHeapMb: number
  peakLiveHeapMb: number
  peakRssMb: number
  liveSamples: number
}

export function startHeapSampler() {
  const collect = (globalThis as { gc?: () => void }).gc
  if (!collect) {
    throw new Error('Run the benchmark with node --expose-gc (npm run bench:refresh does)')
  }
  let peakHeap = 0
  let peakRss = 0
  let peakLive = 0
  let liveSamples = 0
  const sample = () => {
    const usage = process.memoryUsage()
    peakHeap = Math.max(peakHeap, usage.heapUsed)
    peakRss = Math.max(peakRss, usage.rss)
  }
  const sampleLive = () => {
    collect()
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed)
    liveSamples++
  }
  sampleLive()
  sample()
  const sampler = setInterval(sample, SAMPLE_MS)
  const liveSampler = setInterval(sampleLive, LIVE_SAMPLE_MS)

  return {
    stop(): HeapPeaks {
      clearInterval(sampler)
      clearInterval(liveSampler)
      sample()
      sampleLive()
      return {
        peakHeapMb: peakHeap / 2 ** 20,
        peakLiveHeapMb: peakLive / 2 ** 20,
        peakRssMb: peakRss / 2 ** 20,
        liveSamples,
      }
    },
  }
}
