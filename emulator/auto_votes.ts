import type { PollAudience, PollRecord } from './types.js'

export type RandomSource = () => number

/**
 * A made-up audience for a new poll: each choice gets a random popularity and
 * the channel a random turnout (0.5 to 3 votes a second), so a demo shows
 * polls that lean one way and channels of different sizes.
 */
export function newAudience(
  choiceCount: number,
  startedAt: number,
  random: RandomSource
): PollAudience {
  return {
    weights: Array.from({ length: choiceCount }, () => 0.2 + random()),
    votesPerSecond: 0.5 + random() * 2.5,
    countedUntil: startedAt,
    carry: 0,
  }
}

function pickChoice(weights: number[], random: RandomSource): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0)
  let roll = random() * total
  for (const [index, weight] of weights.entries()) {
    roll -= weight
    if (roll < 0) {
      return index
    }
  }
  return weights.length - 1
}

/**
 * Adds the votes the audience would have cast between the last settlement and
 * `until`. Votes are computed lazily from the clock (no timers), so a poll read
 * twice a second apart has grown by about `votesPerSecond`. When channel-points
 * voting is on, about one vote in five is a channel-points vote (which Twitch
 * also counts in `votes`).
 */
export function addAutomaticVotes(poll: PollRecord, until: number, random: RandomSource): void {
  const { audience } = poll
  if (until <= audience.countedUntil) {
    return
  }
  const expected =
    ((until - audience.countedUntil) / 1000) * audience.votesPerSecond + audience.carry
  const votes = Math.floor(expected)
  audience.carry = expected - votes
  audience.countedUntil = until
  for (let cast = 0; cast < votes; cast++) {
    const choice = poll.choices[pickChoice(audience.weights, random)]
    choice.votes++
    if (poll.channelPointsVotingEnabled && random() < 0.2) {
      choice.channelPointsVotes++
    }
  }
}

/** Moves the audience's clock without adding votes (auto votes switched off). */
export function skipAutomaticVotes(poll: PollRecord, until: number): void {
  poll.audience.countedUntil = Math.max(poll.audience.countedUntil, until)
  poll.audience.carry = 0
}
