import { randomUUID } from 'node:crypto'
import { addAutomaticVotes, newAudience, skipAutomaticVotes } from './auto_votes.js'
import type { RandomSource } from './auto_votes.js'
import { EmulatorInputError } from './emulator_error.js'
import type { PollDraft } from './poll_validation.js'
import type { PollRecord } from './types.js'

export interface PollStoreClock {
  now: () => number
  autoVotesEnabled: () => boolean
  random: RandomSource
}

/** Told when a poll starts, gains votes and ends (EventSub's channel.poll.* events). */
export interface PollEvents {
  begin: (poll: PollRecord) => void
  progress: (poll: PollRecord) => void
  end: (poll: PollRecord) => void
}

const NO_EVENTS: PollEvents = { begin: () => {}, progress: () => {}, end: () => {} }

function totalVotes(poll: PollRecord): number {
  return poll.choices.reduce((sum, choice) => sum + choice.votes + choice.channelPointsVotes, 0)
}

/**
 * The polls of every channel. A poll's state is brought up to date lazily
 * ("settled") whenever it is read, or for all polls at once by `settleAll`
 * (the emulator's ticker): automatic votes up to now, then ACTIVE →
 * COMPLETED once `duration` has elapsed by the emulator's clock. Time never
 * moves a poll by itself, so a fake clock in tests moves polls exactly.
 * Settling is also what reports new votes and completions to `events`.
 */
export class PollStore {
  #polls = new Map<string, PollRecord>()
  #sequence = 0

  readonly #clock: PollStoreClock
  readonly #events: PollEvents

  constructor(clock: PollStoreClock, events: PollEvents = NO_EVENTS) {
    this.#clock = clock
    this.#events = events
  }

  reset(): void {
    this.#polls.clear()
    this.#sequence = 0
  }

  create(broadcasterId: string, draft: PollDraft): PollRecord {
    const now = this.#clock.now()
    const poll: PollRecord = {
      id: randomUUID(),
      sequence: ++this.#sequence,
      broadcasterId,
      title: draft.title,
      choices: draft.choiceTitles.map((title) => ({
        id: randomUUID(),
        title,
        votes: 0,
        channelPointsVotes: 0,
      })),
      channelPointsVotingEnabled: draft.channelPointsVotingEnabled,
      channelPointsPerVote: draft.channelPointsPerVote,
      status: 'ACTIVE',
      duration: draft.duration,
      startedAt: now,
      endedAt: null,
      audience: newAudience(draft.choiceTitles.length, now, this.#clock.random),
    }
    this.#polls.set(poll.id, poll)
    this.#events.begin(poll)
    return poll
  }

  /** Brings every ACTIVE poll up to the clock (votes, completion). */
  settleAll(): void {
    for (const poll of this.#polls.values()) {
      this.#settle(poll)
    }
  }

  get(id: string): PollRecord | undefined {
    const poll = this.#polls.get(id)
    return poll ? this.#settle(poll) : undefined
  }

  /** Newest first, as Get Polls answers. */
  listFor(broadcasterId: string): PollRecord[] {
    return [...this.#polls.values()]
      .filter((poll) => poll.broadcasterId === broadcasterId)
      .map((poll) => this.#settle(poll))
      .sort((a, b) => b.sequence - a.sequence)
  }

  activeFor(broadcasterId: string): PollRecord | undefined {
    return this.listFor(broadcasterId).find((poll) => poll.status === 'ACTIVE')
  }

  /** Ends an ACTIVE poll early; the caller checked it is active. */
  end(poll: PollRecord, status: 'TERMINATED' | 'ARCHIVED'): PollRecord {
    this.#settle(poll)
    if (poll.status !== 'ACTIVE') {
      // It completed by the clock meanwhile; that end was already reported.
      return poll
    }
    poll.status = status
    poll.endedAt = this.#clock.now()
    this.#events.end(poll)
    return poll
  }

  castVotes(pollId: string, choiceIndex: number, count: number): PollRecord {
    const poll = this.get(pollId)
    if (!poll) {
      throw new EmulatorInputError(`Unknown poll id: ${pollId}`, 404)
    }
    if (poll.status !== 'ACTIVE') {
      throw new EmulatorInputError(`Poll ${pollId} is ${poll.status}, votes need an ACTIVE poll`)
    }
    if (!Number.isInteger(choiceIndex) || choiceIndex < 0 || choiceIndex >= poll.choices.length) {
      throw new EmulatorInputError(`choiceIndex must be from 0 to ${poll.choices.length - 1}`)
    }
    if (!Number.isInteger(count) || count < 1) {
      throw new EmulatorInputError('count must be a positive integer')
    }
    poll.choices[choiceIndex].votes += count
    this.#events.progress(poll)
    return poll
  }

  #settle(poll: PollRecord): PollRecord {
    if (poll.status !== 'ACTIVE') {
      return poll
    }
    const now = this.#clock.now()
    const endsAt = poll.startedAt + poll.duration * 1000
    const until = Math.min(now, endsAt)
    const votesBefore = totalVotes(poll)
    if (this.#clock.autoVotesEnabled()) {
      addAutomaticVotes(poll, until, this.#clock.random)
    } else {
      skipAutomaticVotes(poll, until)
    }
    if (now >= endsAt) {
      poll.status = 'COMPLETED'
      poll.endedAt = endsAt
      this.#events.end(poll)
    } else if (totalVotes(poll) !== votesBefore) {
      this.#events.progress(poll)
    }
    return poll
  }
}
