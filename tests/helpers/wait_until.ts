import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Waits until `check` holds (polling every 20 ms), or fails after `timeoutMs`:
 * tests wait for a condition, never for a guessed time.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(20)
  }
}
