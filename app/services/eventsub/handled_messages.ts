import { inject } from '@adonisjs/core'
import redis from '@adonisjs/redis/services/main'
import { Clock } from '#services/clock'
import { EventSubSettings } from '#services/eventsub/eventsub_settings'

type MessageClaim =
  /** Nobody has handled it: this caller does, then calls `done` (or `release` on failure). */
  | 'claimed'
  /** Already handled (a redelivery, a replay, a duplicate): nothing to do. */
  | 'handled'
  /**
   * Another instance is handling it right now and did not finish in time:
   * the caller handles it too (handlers are idempotent), without a claim.
   */
  | 'in_flight'

const IN_FLIGHT = 'in-flight'
const HANDLED = 'handled'

/**
 * Each EventSub message id is handled once across every instance: the
 * first to `SET NX` its id handles it. The claim starts short-lived
 * (`in-flight`) and becomes `handled` for an hour only once the effect is
 * stored, so an instance dying mid-way does not lose the message: the key
 * expires and Twitch's next redelivery is handled.
 */
@inject()
export class HandledMessages {
  constructor(
    private clock: Clock,
    private settings: EventSubSettings
  ) {}

  static key(messageId: string) {
    return `eventsub:message:${messageId}`
  }

  async claim(messageId: string): Promise<MessageClaim> {
    const key = HandledMessages.key(messageId)
    // A twin (a duplicate sent at once) may be in flight: wait a moment for
    // it, so its stored effect can be acknowledged as is.
    const deadline = this.clock.now().toMillis() + this.settings.inFlightWaitMs
    for (;;) {
      const set = await redis.set(key, IN_FLIGHT, 'EX', this.settings.inFlightTtlSeconds, 'NX')
      if (set === 'OK') return 'claimed'
      const state = await redis.get(key)
      if (state === HANDLED) return 'handled'
      // Gone meanwhile (its holder gave up): the next turn tries to take it.
      if (state !== null && this.clock.now().toMillis() >= deadline) return 'in_flight'
      await this.clock.sleep(10)
    }
  }

  async done(messageId: string) {
    await redis.set(
      HandledMessages.key(messageId),
      HANDLED,
      'EX',
      this.settings.handledMessageTtlSeconds
    )
  }

  /** Handling failed: the next delivery of the message may try again. */
  async release(messageId: string) {
    await redis.del(HandledMessages.key(messageId))
  }
}
