import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'
import type { Broadcastable } from '@boringnode/transmit/types'
import StreamerOverlay from '#models/streamer_overlay'
import type PollChannel from '#models/poll_channel'
import type { RunSnapshot } from '#services/polls/poll_snapshot'
import { overlayChannelId } from '#services/overlays/overlay_keys'
import { OVERLAY_CHANNEL_PREFIX } from '#services/overlays/overlay_channel_name'
import {
  channelVoting,
  overlayPoll,
  type OverlayMessage,
  type OverlayVoting,
} from '#services/overlays/overlay_poll'
import { errorMessage } from '#services/error_message'

interface Delivery {
  snapshot: RunSnapshot
  channels: PollChannel[]
}

/**
 * Sends a run's results to the overlay of every channel taking part, over
 * Transmit (its Redis transport reaches every instance, so each overlay gets
 * them whichever instance holds its stream). Each overlay has its own
 * channel, `overlays/<channel id>`, named after its key's hash.
 *
 * Deliveries of one run never pile up: while one is on its way, newer
 * results replace the waiting ones and only the latest goes next. A
 * container singleton (providers/overlay_provider.ts), so the queue is the
 * process's.
 */
export class OverlayBroadcaster {
  static readonly channelPattern = `${OVERLAY_CHANNEL_PREFIX}:channelId`

  static channel(channelId: string) {
    return `${OVERLAY_CHANNEL_PREFIX}${channelId}`
  }

  static channelOfKeyHash(keyHash: string) {
    return OverlayBroadcaster.channel(overlayChannelId(keyHash))
  }

  #waiting = new Map<number, Delivery>()
  #running = new Map<number, Promise<void>>()

  /** Queues the run's latest results for its overlays. */
  send(snapshot: RunSnapshot, channels: PollChannel[]) {
    this.#waiting.set(snapshot.id, { snapshot, channels })
    if (!this.#running.has(snapshot.id)) {
      this.#running.set(
        snapshot.id,
        this.#drain(snapshot.id).finally(() => this.#running.delete(snapshot.id))
      )
    }
  }

  /** Resolves once nothing is waiting or on its way (tests, shutdown). */
  async settled() {
    while (this.#running.size > 0) {
      await Promise.all(this.#running.values())
    }
  }

  /** Tells the pages of a key that no longer works to stop. */
  revoke(keyHash: string) {
    this.#broadcast(OverlayBroadcaster.channelOfKeyHash(keyHash), { type: 'revoked' })
  }

  async #drain(runId: number) {
    for (let next = this.#waiting.get(runId); next; next = this.#waiting.get(runId)) {
      this.#waiting.delete(runId)
      try {
        await this.#deliver(next)
      } catch (error) {
        // Overlays also load the state themselves when they (re)connect.
        logger.warn({ runId, error: errorMessage(error) }, '[Overlays] could not send results')
      }
    }
  }

  async #deliver({ snapshot, channels }: Delivery) {
    const voting = new Map<number, OverlayVoting>()
    for (const channel of channels) {
      if (channel.outcome === 'created' && channel.streamerId !== null) {
        voting.set(channel.streamerId, channelVoting(channel))
      }
    }
    if (voting.size === 0) return
    const overlays: { streamer_id: number; key_hash: string }[] = await StreamerOverlay.query()
      .whereIn('streamer_id', [...voting.keys()])
      .select('streamer_id', 'key_hash')
      .pojo()
    const byVoting = new Map<OverlayVoting, OverlayMessage>()
    for (const overlay of overlays) {
      const how = voting.get(overlay.streamer_id) ?? 'twitch'
      let message = byVoting.get(how)
      if (!message) {
        message = { type: 'poll', poll: overlayPoll(snapshot, how) }
        byVoting.set(how, message)
      }
      this.#broadcast(OverlayBroadcaster.channelOfKeyHash(overlay.key_hash), message)
    }
  }

  #broadcast(channel: string, message: OverlayMessage) {
    try {
      transmit.broadcast(channel, message as unknown as Broadcastable)
    } catch (error) {
      logger.warn({ error: errorMessage(error) }, '[Overlays] could not broadcast')
    }
  }
}
