import logger from '@adonisjs/core/services/logger'
import type { DateTime } from 'luxon'
import type { Clock } from '#services/clock'

/**
 * The outside services every page depends on.
 */
export type Dependency = 'database' | 'redis'

const LABELS: Record<Dependency, string> = { database: 'PostgreSQL', redis: 'Redis' }

/**
 * What this process knows about its database and Redis: up, or down since
 * when. One instance per process: a container singleton bound by
 * providers/availability_provider.ts.
 *
 * An outage is logged once when it starts and once when it ends, however
 * many requests, retries and reconnection attempts happen in between; while
 * a dependency is down, pages answer 503 at once instead of waiting on it
 * (app/middleware/service_availability_middleware.ts).
 */
export class ServiceAvailability {
  #downSince = new Map<Dependency, DateTime>()
  #probes = new Map<Dependency, Probe>()

  constructor(private clock: Clock) {}

  /**
   * While `dependency` is down, runs `check` every `intervalMs` and marks it
   * up on the first success. For PostgreSQL, which nothing else retries once
   * pages stop sending queries; Redis's client reconnects by itself.
   */
  probeWhileDown(dependency: Dependency, check: () => Promise<unknown>, intervalMs: number) {
    this.#probes.set(dependency, { check, intervalMs, timer: null, running: false })
  }

  /**
   * Stops every probe (the process is terminating).
   */
  stopProbes() {
    for (const dependency of this.#probes.keys()) this.#stopProbe(dependency)
  }

  /**
   * The dependencies currently down, in a stable order.
   */
  down(): Dependency[] {
    return (['database', 'redis'] as const).filter((dependency) => this.#downSince.has(dependency))
  }

  isDown(dependency: Dependency) {
    return this.#downSince.has(dependency)
  }

  /**
   * Records a failure; logs only the first of an outage.
   * Returns true when this failure started the outage.
   */
  markDown(dependency: Dependency, error: unknown): boolean {
    if (this.#downSince.has(dependency)) return false
    this.#downSince.set(dependency, this.clock.now())
    logger.error(
      { dependency, reason: reasonOf(error) },
      `[Availability] ${LABELS[dependency]} is unreachable: pages answer 503 until it is back`
    )
    this.#startProbe(dependency)
    return true
  }

  /**
   * Records that the dependency answers again; logs once per outage.
   */
  markUp(dependency: Dependency) {
    const since = this.#downSince.get(dependency)
    if (!since) return
    this.#downSince.delete(dependency)
    this.#stopProbe(dependency)
    const seconds = Math.max(0, Math.round(this.clock.now().diff(since).as('seconds')))
    logger.info(
      { dependency, downForSeconds: seconds },
      `[Availability] ${LABELS[dependency]} is reachable again after ${seconds} s`
    )
  }

  #startProbe(dependency: Dependency) {
    const probe = this.#probes.get(dependency)
    if (!probe || probe.timer) return
    probe.timer = setInterval(async () => {
      if (probe.running) return
      probe.running = true
      try {
        await probe.check()
        this.markUp(dependency)
      } catch {
        // Still down: the outage was logged when it started.
      } finally {
        probe.running = false
      }
    }, probe.intervalMs)
    // A probe alone never keeps the process alive.
    probe.timer.unref()
  }

  #stopProbe(dependency: Dependency) {
    const probe = this.#probes.get(dependency)
    if (probe?.timer) clearInterval(probe.timer)
    if (probe) probe.timer = null
  }
}

interface Probe {
  check: () => Promise<unknown>
  intervalMs: number
  timer: NodeJS.Timeout | null
  running: boolean
}

function reasonOf(error: unknown) {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message
  }
  return String(error)
}
