import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchEmulator } from './bench_emulator.js'

interface Delivery {
  messageId: string
  retry: number
  duplicate: boolean
  status: number | null
  durationMs: number
  subscriptionType: string
}

/**
 * How long the web instance took to answer each notification of
 * `subscriptionType` sent from now on, as the emulator measured it. The
 * emulator keeps only its last 2 000 sends, so they are read every 250 ms
 * while the load runs; `stop()` gives the times in ms, one per send
 * (redeliveries and duplicates each count).
 */
export async function watchWebhookAnswers(emulator: BenchEmulator, subscriptionType: string) {
  const read = async () => {
    const { data } = await emulator.get<{ data: Delivery[] }>(
      '/eventsub/deliveries?messageType=notification&limit=2000'
    )
    return data.filter((delivery) => delivery.subscriptionType === subscriptionType)
  }
  const keyOf = (delivery: Delivery) =>
    `${delivery.messageId}:${delivery.retry}:${delivery.duplicate}`
  // Sends made before the load are not part of it.
  const before = await read()
  const earlier = new Set(before.map(keyOf))
  const answerTimes = new Map<string, number>()
  let collecting = true
  const collector = (async () => {
    while (collecting) {
      await sleep(250)
      for (const delivery of await read()) {
        const key = keyOf(delivery)
        if (!earlier.has(key) && !answerTimes.has(key) && delivery.status !== null) {
          answerTimes.set(key, delivery.durationMs)
        }
      }
    }
  })()
  return {
    async stop() {
      collecting = false
      await collector
      return [...answerTimes.values()]
    },
  }
}
