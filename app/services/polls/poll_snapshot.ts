import type PollRun from '#models/poll_run'
import type PollChannel from '#models/poll_channel'
import type { I18n } from '@adonisjs/i18n'
import type { PollChannelReason, VotingMethod } from '#models/poll_channel'
import type { Message } from '#services/i18n/message'
import { detailText, readDetail, type ChannelDetail } from '#services/polls/channel_detail'

/*
 * The snapshot holds codes and message keys, never sentences: the run's
 * page writes them in the GM's language (the template, and its script with
 * the page words), the JSON API in English (docs/languages.md).
 */

export interface ChannelSnapshot {
  id: number
  displayName: string
  login: string
  outcome: PollChannel['outcome']
  /** Why it was left out or failed (`polls.reason.<reason>`). */
  reason: PollChannelReason | null
  /** What Twitch said after the reason ("The poll title failed automod check"), or Chorus's code. */
  error: ChannelDetail | null
  twitchStatus: string | null
  votes: number[]
  total: number
  /** The last read of this channel failed (Twitch unreachable, rate limited). */
  readError: ChannelDetail | null
  /** Its Twitch poll has not been reported ended (always false for a chat vote). */
  twitchPollOpen: boolean
  /**
   * The run is ending and this poll still runs on Twitch: Twitch was not
   * told yet (`readError` says why), Chorus keeps trying.
   */
  endPending: boolean
  /** How its votes arrive: pushed by Twitch (`events`) or read from Helix (`polling`). */
  resultsVia: PollChannel['resultsVia']
  /** How its audience votes (null when left out). */
  voting: VotingMethod | null
  /** Chat votes stopped reaching Chorus (Twitch stopped delivering the chat) until it is back. */
  votingInterrupted: boolean
}

/**
 * Everything the live page and history show about a run, JSON-ready: sent
 * through Transmit, embedded in the page, and served as JSON.
 */
export interface RunSnapshot {
  id: number
  campaignId: number
  status: PollRun['status']
  title: string
  choices: string[]
  durationSeconds: number
  startedAt: string | null
  endsAt: string | null
  endedAt: string | null
  endReason: string | null
  /** Combined votes per choice: the sum over every channel. */
  totals: number[]
  totalVotes: number
  /** Channels with a Twitch poll (live or ended). */
  channels: ChannelSnapshot[]
  /** Channels left out, with their reason. */
  leftOut: ChannelSnapshot[]
  live: boolean
  /**
   * While the run is launching: the channels Twitch has not answered for
   * yet ("asking Twitch…" on the GM's page). Empty once launched.
   */
  asking: AskingChannel[]
  /**
   * What the launch came to, for the GM's page: asking Twitch, live on how
   * many channels, or why nothing runs (`polls.launch_note.…`). Null once
   * the run is over.
   */
  launchNote: Message | null
  /** Indexes of the choices with the most votes once ended (several on a tie; none without votes). */
  winners: number[]
  /** Server time, so the page's countdown does not depend on the device's clock. */
  serverNow: string
}

/** A member's channel whose launch is still under way. */
export interface AskingChannel {
  login: string
  displayName: string
}

/**
 * Votes per choice summed over channels (missing counts are zeros).
 */
export function combineVotes(choiceCount: number, channels: Pick<PollChannel, 'votes'>[]) {
  const totals = Array.from({ length: choiceCount }, () => 0)
  for (const channel of channels) {
    channel.votes?.forEach((votes, index) => {
      if (index < choiceCount) totals[index] += votes
    })
  }
  return totals
}

/**
 * Indexes of the choices with the most votes: one winner, several on a tie,
 * none when nobody voted.
 */
export function winnersOf(totals: number[]) {
  const best = Math.max(0, ...totals)
  if (best === 0) return []
  return totals.flatMap((votes, index) => (votes === best ? [index] : []))
}

/** Why a channel was left out or failed, followed by what Twitch said: "Twitch refused: …". */
export function reasonText(i18n: I18n, channel: Pick<ChannelSnapshot, 'reason' | 'error'>) {
  if (!channel.reason) return null
  const reason = i18n.t(`polls.reason.${channel.reason}`)
  if (!channel.error) return reason
  return i18n.t('polls.reason_detail', { reason, detail: detailText(i18n, channel.error) })
}

export function buildSnapshot(
  run: PollRun,
  channels: PollChannel[],
  now: Date,
  asking: AskingChannel[] = []
): RunSnapshot {
  const sorted = [...channels].sort((a, b) => a.displayName.localeCompare(b.displayName))
  const withPoll = sorted.filter((channel) => channel.outcome === 'created')
  const totals = run.totals ?? combineVotes(run.choices.length, withPoll)
  const live = run.isLive
  const winners = live ? [] : winnersOf(totals)
  return {
    id: run.id,
    campaignId: run.campaignId,
    status: run.status,
    title: run.title,
    choices: run.choices,
    durationSeconds: run.durationSeconds,
    startedAt: run.startedAt?.toUTC().toISO() ?? null,
    endsAt: run.endsAt?.toUTC().toISO() ?? null,
    endedAt: run.endedAt?.toUTC().toISO() ?? null,
    endReason: run.endReason,
    totals,
    totalVotes: totals.reduce((sum, votes) => sum + votes, 0),
    channels: withPoll.map((channel) => channelSnapshot(channel, run.choices.length, run.status)),
    leftOut: sorted
      .filter((channel) => channel.outcome !== 'created')
      .map((channel) => channelSnapshot(channel, run.choices.length, run.status)),
    live,
    asking: run.status === 'launching' ? asking : [],
    launchNote: launchNote(run, withPoll.length, sorted.length + asking.length),
    winners,
    serverNow: now.toISOString(),
  }
}

/**
 * The launch's outcome in one sentence: `live` channels took the poll out
 * of `total` members.
 */
function launchNote(run: PollRun, live: number, total: number): Message | null {
  switch (run.status) {
    case 'launching':
      return { key: 'polls.launch_note.launching', values: { title: run.title, count: total } }
    case 'running':
    case 'ending':
      return { key: 'polls.launch_note.live', values: { title: run.title, live, count: total } }
    case 'failed':
      if (run.endReason === 'interrupted') {
        return { key: 'polls.launch_note.interrupted', values: {} }
      }
      return total === 0
        ? { key: 'polls.launch_note.nobody', values: {} }
        : { key: 'polls.launch_note.none_could', values: {} }
    default:
      return null
  }
}

/** Why the last read of a channel failed, or nothing. */
export function readErrorText(i18n: I18n, error: ChannelDetail | null) {
  return error ? detailText(i18n, error) : ''
}

/** What the GM reads about a poll Chorus could not end on Twitch yet. */
export function endPendingText(i18n: I18n, error: ChannelDetail | null) {
  return error
    ? i18n.t('polls.end_pending.with_error', { error: detailText(i18n, error) })
    : i18n.t('polls.end_pending.plain')
}

function channelSnapshot(
  channel: PollChannel,
  choiceCount: number,
  runStatus: PollRun['status']
): ChannelSnapshot {
  const votes = combineVotes(choiceCount, [channel])
  const interrupted = channel.voting === 'chat' && channel.chatInterruptedAt !== null
  const endPending = runStatus === 'ending' && channel.twitchPollOpen
  return {
    id: channel.id,
    displayName: channel.displayName,
    login: channel.twitchLogin,
    outcome: channel.outcome,
    reason: channel.reason,
    error: readDetail(channel.error),
    twitchStatus: channel.twitchStatus,
    votes,
    total: votes.reduce((sum, count) => sum + count, 0),
    readError: readDetail(channel.lastReadError),
    twitchPollOpen: channel.twitchPollOpen,
    endPending,
    resultsVia: channel.resultsVia,
    voting: channel.voting,
    votingInterrupted: interrupted,
  }
}
