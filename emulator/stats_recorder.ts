/** Every kind of call the emulator counts. */
export const STAT_KEYS = [
  'authorize',
  'token.authorization_code',
  'token.refresh_token',
  'token.client_credentials',
  'validate',
  'revoke',
  'users',
  'channels',
  'polls.create',
  'polls.get',
  'polls.update',
  'eventsub.create',
  'eventsub.list',
  'eventsub.delete',
  'conduits.get',
  'conduits.create',
  'conduits.update',
  'conduits.delete',
  'conduits.shards.get',
  'conduits.shards.update',
  'chat.send',
] as const

export type StatKey = (typeof STAT_KEYS)[number]

export type StatCounts = Record<StatKey, number>

/**
 * EventSub message sends: per message type (every HTTP POST, redeliveries and
 * duplicates included), then how many were redeliveries, duplicates, not
 * accepted by the callback, or dropped by a fault (never sent).
 */
export const DELIVERY_STAT_KEYS = [
  'verification',
  'notification',
  'revocation',
  'redelivered',
  'duplicated',
  'failed',
  'dropped',
] as const

export type DeliveryStatKey = (typeof DELIVERY_STAT_KEYS)[number]

export type DeliveryCounts = Record<DeliveryStatKey, number>

export interface EmulatorStats {
  /** All calls, whatever their outcome (faults and errors included). */
  counts: StatCounts
  /** The same, per Twitch user id the call could be tied to (by token, code or refresh token). */
  byUser: Record<string, StatCounts>
  /** Every request that reached a Helix endpoint, including rejected ones. */
  helixCalls: number
  /** Calls answered with a status >= 400, per kind (faults included). */
  failures: StatCounts
  /** EventSub messages the emulator sent (or dropped). */
  deliveries: DeliveryCounts
}

function zeroCounts(): StatCounts {
  return Object.fromEntries(STAT_KEYS.map((key) => [key, 0])) as StatCounts
}

function zeroDeliveries(): DeliveryCounts {
  return Object.fromEntries(DELIVERY_STAT_KEYS.map((key) => [key, 0])) as DeliveryCounts
}

/**
 * Counts calls so tests and benchmarks can assert how often the app talked to
 * "Twitch" (for example: one refresh per streamer, never two).
 */
export class StatsRecorder {
  #counts = zeroCounts()
  #failures = zeroCounts()
  #byUser = new Map<string, StatCounts>()
  #helixCalls = 0
  #deliveries = zeroDeliveries()

  recordDelivery(key: DeliveryStatKey): void {
    this.#deliveries[key]++
  }

  record(key: StatKey, userId: string | null): void {
    this.#counts[key]++
    if (userId !== null) {
      let counts = this.#byUser.get(userId)
      if (!counts) {
        counts = zeroCounts()
        this.#byUser.set(userId, counts)
      }
      counts[key]++
    }
  }

  recordFailure(key: StatKey): void {
    this.#failures[key]++
  }

  recordHelixCall(): void {
    this.#helixCalls++
  }

  snapshot(): EmulatorStats {
    return {
      counts: { ...this.#counts },
      byUser: Object.fromEntries(
        [...this.#byUser.entries()].map(([userId, counts]) => [userId, { ...counts }])
      ),
      helixCalls: this.#helixCalls,
      failures: { ...this.#failures },
      deliveries: { ...this.#deliveries },
    }
  }

  reset(): void {
    this.#counts = zeroCounts()
    this.#failures = zeroCounts()
    this.#byUser.clear()
    this.#helixCalls = 0
    this.#deliveries = zeroDeliveries()
  }
}
