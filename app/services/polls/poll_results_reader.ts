import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type Streamer from '#models/streamer'
import type PollChannel from '#models/poll_channel'
import { mapWithConcurrency } from '#services/concurrency'
import { Clock } from '#services/clock'
import { TwitchHelixClient, type TwitchPoll } from '#services/twitch/twitch_helix_client'
import { TwitchError, TwitchTransientError } from '#services/twitch/twitch_errors'
import {
  StreamerTokenRunner,
  StreamerTokenUnavailableError,
} from '#services/tokens/streamer_token_runner'
import { PollSettings } from '#services/polls/poll_settings'
import { HelixRateBook } from '#services/polls/helix_rate_book'
import { errorMessage } from '#services/error_message'
import { storedDetail } from '#services/polls/channel_detail'

/** Twitch takes at most 20 poll ids per Get Polls request. */
const IDS_PER_REQUEST = 20

interface ReadReport {
  /** Helix requests sent. */
  requests: number
  /** Channels whose votes or status changed (their models are updated, not saved). */
  changed: PollChannel[]
  /** Channels left unread because their rate-limit bucket is nearly empty. */
  held: PollChannel[]
  /** Channels whose read failed this time. */
  failed: PollChannel[]
}

/**
 * Reads a run's polls from Helix: the ids of one channel go in one request
 * (≤ 20), channels are read in parallel (bounded), `Ratelimit-*` answers are
 * honoured, and a 401 goes through the reactive refresh (retried once).
 * Results land on the PollChannel models; saving is the caller's job.
 */
@inject()
export class PollResultsReader {
  constructor(
    private clock: Clock,
    private settings: PollSettings,
    private runner: StreamerTokenRunner,
    private helix: TwitchHelixClient,
    private rateBook: HelixRateBook
  ) {}

  async read(
    channels: PollChannel[],
    streamers: Map<number, Streamer>,
    choiceCount: number
  ): Promise<ReadReport> {
    const report: ReadReport = { requests: 0, changed: [], held: [], failed: [] }
    const batches = batchByChannel(channels)

    await mapWithConcurrency(batches, this.settings.readConcurrency, async (batch) => {
      const first = batch[0]
      const streamer = first.streamerId === null ? undefined : streamers.get(first.streamerId)
      if (!streamer) {
        this.#fail(batch, storedDetail('streamer_left'), report)
        return
      }
      if (this.rateBook.heldUntil(first.twitchUserId) > 0) {
        report.held.push(...batch)
        return
      }

      report.requests++
      try {
        const { data, rateLimit } = await this.runner.run(streamer, (accessToken) =>
          this.helix.getPolls(
            accessToken,
            first.twitchUserId,
            batch.map((channel) => channel.twitchPollId!)
          )
        )
        this.rateBook.record(first.twitchUserId, rateLimit, this.settings.rateLimitReserve)
        const byId = new Map(data.map((poll) => [poll.id, poll]))
        for (const channel of batch) {
          const poll = byId.get(channel.twitchPollId!)
          if (!poll) {
            this.#fail([channel], storedDetail('poll_gone'), report)
          } else if (this.apply(channel, poll, choiceCount)) {
            report.changed.push(channel)
          }
        }
      } catch (error) {
        if (error instanceof TwitchTransientError && error.retryAfterMs !== null) {
          this.rateBook.hold(first.twitchUserId, Date.now() + error.retryAfterMs)
        }
        this.#fail(batch, readErrorMessage(error), report)
      }
    })
    return report
  }

  /**
   * Copies a Helix poll onto its channel row. True when anything people see changed.
   */
  apply(channel: PollChannel, poll: TwitchPoll, choiceCount: number) {
    const votes = Array.from({ length: choiceCount }, (_, index) => poll.choices[index]?.votes ?? 0)
    const points = Array.from(
      { length: choiceCount },
      (_, index) => poll.choices[index]?.channelPointsVotes ?? 0
    )
    const changed =
      channel.twitchStatus !== poll.status ||
      channel.lastReadError !== null ||
      !sameNumbers(channel.votes, votes) ||
      !sameNumbers(channel.channelPointsVotes, points)
    channel.twitchStatus = poll.status
    channel.lastReadAt = this.clock.now()
    channel.lastReadError = null
    if (changed) {
      channel.votes = votes
      channel.channelPointsVotes = points
      channel.totalVotes = votes.reduce((sum, count) => sum + count, 0)
    }
    return changed
  }

  #fail(channels: PollChannel[], message: string, report: ReadReport) {
    for (const channel of channels) {
      if (channel.lastReadError !== message) {
        channel.lastReadError = message
        report.changed.push(channel)
      }
      report.failed.push(channel)
    }
  }
}

/**
 * The channels' poll ids grouped per Twitch channel, ≤ 20 per request.
 */
function batchByChannel(channels: PollChannel[]): PollChannel[][] {
  const byUser = new Map<string, PollChannel[]>()
  for (const channel of channels) {
    if (!channel.twitchPollId) continue
    const group = byUser.get(channel.twitchUserId) ?? []
    group.push(channel)
    byUser.set(channel.twitchUserId, group)
  }
  const batches: PollChannel[][] = []
  for (const group of byUser.values()) {
    for (let start = 0; start < group.length; start += IDS_PER_REQUEST) {
      batches.push(group.slice(start, start + IDS_PER_REQUEST))
    }
  }
  return batches
}

/**
 * Why a read (or an end) failed, as stored on the channel: Twitch's own
 * words when it refused, else Chorus's sentence as its key
 * (app/services/polls/channel_detail.ts).
 */
export function readErrorMessage(error: unknown) {
  if (error instanceof StreamerTokenUnavailableError) {
    return storedDetail(error.needsReconnect ? 'reconnect_needed' : 'token_unreachable')
  }
  if (error instanceof TwitchTransientError) {
    return storedDetail(error.status === 429 ? 'rate_limited' : 'twitch_unreachable')
  }
  if (error instanceof TwitchError) {
    return error.twitchMessage ?? error.message
  }
  logger.error({ error: errorMessage(error) }, '[Polls] unexpected error while reading results')
  return storedDetail('unexpected')
}

function sameNumbers(a: number[] | null, b: number[]) {
  return a !== null && a.length === b.length && a.every((value, index) => value === b[index])
}
