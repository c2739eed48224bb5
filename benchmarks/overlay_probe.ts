/*
| Loaded into the web instance the overlay benchmark spawns
| (`--import=./benchmarks/overlay_probe.ts`): measures the event loop's delay
| and answers the benchmark's questions over the IPC channel. Not part of the app.
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
  if (message === 'reset') {
    delay.reset()
    peakRss = process.memoryUsage().rss
    process.send?.({ type: 'reset' })
  }
  if (message === 'stats') {
    process.send?.({
      type: 'stats',
      eventLoopP99Ms: delay.percentile(99) / 1e6,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      peakRssMb: Math.max(peakRss, process.memoryUsage().rss) / 2 ** 20,
    })
  }
})
