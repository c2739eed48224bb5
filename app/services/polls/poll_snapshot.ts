import type PollRun from '#models/poll_run'
import type PollChannel from '#models/poll_channel'
import type { PollChannelReason, VotingMethod } from '#models/poll_channel'
import { VOTING_LABELS } from '#services/campaigns/channel_state'

export const REASON_LABELS: Record<PollChannelReason, string> = {
  not_authorized: 'No poll authorization',
  needs_reconnect: 'Must reconnect Twitch',
  not_affiliate: 'Not an affiliate or partner',
  twitch_refused: 'Twitch refused',
  twitch_unreachable: 'Twitch unreachable',
  chat_busy: 'Chat vote already open',
  not_asked: 'Question not posted',
}

export const RESULTS_VIA_LABELS: Record<PollChannel['resultsVia'], string> = {
  events: 'live by event',
  polling: 'read by polling',
}

/** What the GM reads while a chat channel's votes do not reach Chorus. */
export const CHAT_INTERRUPTED_LABEL = 'chat votes interrupted'

export const RUN_STATUS_LABELS: Record<PollRun['status'], string> = {
  launching: 'Launching',
  running: 'Live',
  ending: 'Ending',
  completed: 'Ended',
  terminated: 'Ended early',
  failed: 'Not launched',
}

export interface ChannelSnapshot {
  id: number
  displayName: string
  login: string
  outcome: PollChannel['outcome']
  reason: PollChannelReason | null
  /** "Twitch refused: The poll title failed automod check", for people. */
  reasonText: string | null
  twitchStatus: string | null
  votes: number[]
  total: number
  /** The last read of this channel failed (Twitch unreachable, rate limited). */
  readError: string | null
  /** Its Twitch poll has not been reported ended (always false for a chat vote). */
  twitchPollOpen: boolean
  /**
   * While the run is ending and this poll still runs on Twitch: why Twitch
   * was not told yet, for people ("Twitch not told yet (Twitch unreachable): retrying").
   */
  endPendingText: string | null
  /** How its votes arrive: pushed by Twitch (`events`) or read from Helix (`polling`). */
  resultsVia: PollChannel['resultsVia']
  /** The same, for people. */
  resultsViaLabel: string
  /** How its audience votes (null when left out). */
  voting: VotingMethod | null
  votingLabel: string | null
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
  statusLabel: string
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
   * many channels, or why nothing runs. Null once the run is over.
   */
  launchNote: string | null
  /** Indexes of the choices with the most votes once ended (several on a tie; none without votes). */
  winners: number[]
  /** The outcome for people once ended ("Winner: …", "Tie: … / …", "No votes"); null while live. */
  verdict: string | null
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

function verdictOf(choices: string[], winners: number[]) {
  if (winners.length === 0) return 'No votes'
  const names = winners.map((index) => choices[index])
  return winners.length === 1 ? `Winner: ${names[0]}` : `Tie: ${names.join(' / ')}`
}

export function reasonText(channel: Pick<PollChannel, 'reason' | 'error'>) {
  if (!channel.reason) return null
  const label = REASON_LABELS[channel.reason]
  return channel.error ? `${label}: ${channel.error}` : label
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
    statusLabel: RUN_STATUS_LABELS[run.status],
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
    verdict: live ? null : verdictOf(run.choices, winners),
    serverNow: now.toISOString(),
  }
}

/** `count` channel(s), for people. */
function channelsText(count: number) {
  return `${count} channel${count === 1 ? '' : 's'}`
}

/**
 * The launch's outcome in one sentence: `live` channels took the poll out
 * of `total` members.
 */
function launchNote(run: PollRun, live: number, total: number): string | null {
  switch (run.status) {
    case 'launching':
      return `Launching "${run.title}": asking Twitch on ${channelsText(total)}…`
    case 'running':
    case 'ending':
      return `"${run.title}" is live on ${live} of ${channelsText(total)}.`
    case 'failed':
      if (run.endReason === 'interrupted') {
        return 'The launch was interrupted: the polls already created on Twitch were ended and nothing runs. Launch again.'
      }
      return total === 0
        ? 'Nobody streams this campaign yet: invite streamers first.'
        : 'No channel could run this poll: see why for each channel below.'
    default:
      return null
  }
}

/** What the GM reads about a poll Chorus could not end on Twitch yet. */
export function endPendingText(error: string | null) {
  return `Twitch not told yet${error ? ` (${error})` : ''}: Chorus keeps trying; votes there still count`
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
    reasonText: reasonText(channel),
    twitchStatus: channel.twitchStatus,
    votes,
    total: votes.reduce((sum, count) => sum + count, 0),
    readError: channel.lastReadError,
    twitchPollOpen: channel.twitchPollOpen,
    endPendingText: endPending ? endPendingText(channel.lastReadError) : null,
    resultsVia: channel.resultsVia,
    resultsViaLabel: RESULTS_VIA_LABELS[channel.resultsVia] ?? RESULTS_VIA_LABELS.polling,
    voting: channel.voting,
    votingLabel: interrupted
      ? CHAT_INTERRUPTED_LABEL
      : channel.voting
        ? VOTING_LABELS[channel.voting]
        : null,
    votingInterrupted: interrupted,
  }
}
