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

/**
 * The polls of every channel. A poll's state is brought up to date lazily
 * ("settled") whenever it is read: automatic votes up to now, then ACTIVE →
 * COMPLETED once `duration` has elapsed by the emulator's clock. No timers,
 * so a fake clock in tests moves polls forward exactly.
 */
export class PollStore {
  #polls = new Map<string, PollRecord>()
  #sequence = 0

  readonly #clock: PollStoreClock

  constructor(clock: PollStoreClock) {
    this.#clock = clock
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
    return poll
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
    poll.status = status
    poll.endedAt = this.#clock.now()
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
    return poll
  }

  #settle(poll: PollRecord): PollRecord {
    if (poll.status !== 'ACTIVE') {
      return poll
    }
    const now = this.#clock.now()
    const endsAt = poll.startedAt + poll.duration * 1000
    const until = Math.min(now, endsAt)
    if (this.#clock.autoVotesEnabled()) {
      addAutomaticVotes(poll, until, this.#clock.random)
    } else {
      skipAutomaticVotes(poll, until)
    }
    if (now >= endsAt) {
      poll.status = 'COMPLETED'
      poll.endedAt = endsAt
    }
    return poll
  }
}
