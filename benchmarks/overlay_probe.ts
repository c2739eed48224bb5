/*
| Loaded into the web instance the overlay benchmark spawns
| (`--import=./benchmarks/overlay_probe.ts`): measures the event loop's delay
| and answers the benchmark's questions over the IPC channel. Not part of the app.
| The benchmark starts the instance with --expose-gc: `liveHeapMb` is the heap
| used right after a full collection, what the instance really holds.
*/
import { monitorEventLoopDelay } from 'node:perf_hooks'

const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
let peakRss = process.memoryUsage().rss
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 250)
sampler.unref()

process.on('message', (message: unknown) => {
  // The event loop is measured from here; the peak RSS since the start.
  if (message === 'reset') {
    delay.reset()
    process.send?.({ type: 'reset' })
  }
  if (message === 'stats') {
    ;(globalThis as { gc?: () => void }).gc?.()
    process.send?.({
      liveHeapMb: process.memoryUsage().heapUsed / 2 ** 20,
      type: 'stats',
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      peakRssMb: Math.max(peakRss, process.memoryUsage().rss) / 2 ** 20,
    })
  }
})
