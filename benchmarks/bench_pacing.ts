import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Calls `send(slot)` for slots 0 … total - 1, each at its time (`perSecond`,
 * evenly spread from now), with at most `inFlight` sends waiting for their
 * answer: a steady load, not one burst. Resolves when every send answered.
 */
export async function paced(
  total: number,
  perSecond: number,
  inFlight: number,
  send: (slot: number) => Promise<void>
) {
  const started = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const slot = next++
        const wait = started + (slot * 1000) / perSecond - performance.now()
        if (wait > 0) await sleep(wait)
        await send(slot)
      }
    })
  )
}
