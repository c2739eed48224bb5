import redis from '@adonisjs/redis/services/main'
import { parseChatVote } from '#services/chat_votes/vote_parser'
import { voteWords } from '#services/i18n/vote_words'

/**
 * The live counts of chat votes, kept in Redis while a vote runs so every
 * instance counts into the same place and a restart loses nothing; they land
 * in PostgreSQL when the vote ends (and periodically). See docs/chat-voting.md.
 *
 * Per vote (a run on one channel):
 *  - `…:meta`    hash: choices, closes_at (epoch ms)
 *  - `…:ballots` hash: chatter id → choice (first valid vote wins)
 *  - `…:counts`  hash: choice → votes
 * Per channel: `chorus:chat-vote:live:<broadcaster id>` → the vote it is
 * taking now, so an incoming chat message finds its vote in one read.
 */
interface ChatVoteRef {
  runId: number
  channelId: number
}

interface ChatMessage {
  broadcasterId: string
  chatterId: string
  text: string
  /** When the message reached Chorus (epoch ms): a vote counts if it arrives before the end. */
  receivedAt: number
  /** Set when the message came from another channel through Shared Chat. */
  sourceBroadcasterId?: string | null
}

type ChatVoteOutcome =
  | { counted: true; vote: ChatVoteRef; choice: number }
  | {
      counted: false
      vote?: ChatVoteRef
      reason: 'no_vote_open' | 'shared_chat' | 'not_a_vote' | 'already_voted' | 'closed'
    }

/** Kept after the vote ends, long enough for a late reader or a retry. */
const RETAIN_SECONDS = 24 * 60 * 60

const POINTER_GRACE_MS = 60_000

/**
 * Finds the vote a channel is taking: [pointer, choices]. Its close time is
 * checked by RECORD, in the same step as the ballot.
 */
const LOOKUP = `
local pointer = redis.call('GET', KEYS[1])
if not pointer then return {false, false} end
return {pointer, redis.call('HGET', ARGV[1] .. pointer .. ':meta', 'choices')}
`

/**
 * Takes the channel for a vote until ARGV[2] (epoch ms), unless it is taking
 * another one: 1 when the channel is now (or already was) this vote's.
 */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
  return 1
end
if current == ARGV[1] then return 1 end
return 0
`

/**
 * Counts one ballot atomically: refused after the close time or when the
 * chatter already voted. 1 = counted, -1 = closed, -2 = already voted.
 */
const RECORD = `
local closes = redis.call('HGET', KEYS[1], 'closes_at')
if (not closes) or tonumber(ARGV[3]) > tonumber(closes) then return -1 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return -2 end
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return 1
`

/**
 * Moves the close time earlier (never later), frees the channel and sets
 * the vote's keys (meta, ballots, counts) to expire.
 */
const CLOSE = `
local closes = redis.call('HGET', KEYS[1], 'closes_at')
if closes and tonumber(closes) > tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'closes_at', ARGV[1])
end
if redis.call('GET', KEYS[4]) == ARGV[2] then redis.call('DEL', KEYS[4]) end
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
return 1
`

const PREFIX = 'chorus:chat-vote:'

function voteKey(vote: ChatVoteRef) {
  return `${vote.runId}:${vote.channelId}`
}

function keysOf(vote: ChatVoteRef) {
  const base = `${PREFIX}${voteKey(vote)}`
  return { meta: `${base}:meta`, ballots: `${base}:ballots`, counts: `${base}:counts` }
}

function liveKey(broadcasterId: string) {
  return `${PREFIX}live:${broadcasterId}`
}

export class ChatVoteTally {
  /** `!vote N` and each language's own word (docs/chat-voting.md). */
  #voteWords = voteWords()

  /**
   * Opens a vote on a channel until `closesAt`. False when the channel is
   * already taking another vote (one chat vote per channel at a time).
   */
  async open(
    vote: ChatVoteRef,
    broadcasterId: string,
    choices: number,
    closesAt: number
  ): Promise<boolean> {
    const keys = keysOf(vote)
    // The pointer outlives the close time a little, so a vote never closed
    // (an instance died) cannot hold the channel forever.
    const claimed = await redis.eval(
      CLAIM,
      1,
      liveKey(broadcasterId),
      voteKey(vote),
      String(closesAt + POINTER_GRACE_MS)
    )
    if (claimed !== 1) return false
    // Opening the same vote again (another instance carrying on a launch)
    // keeps what is there: a close time already moved earlier stays.
    await redis
      .multi()
      .hsetnx(keys.meta, 'choices', String(choices))
      .hsetnx(keys.meta, 'closes_at', String(closesAt))
      .pexpireat(keys.meta, closesAt + RETAIN_SECONDS * 1000)
      .exec()
    return true
  }

  async record(message: ChatMessage): Promise<ChatVoteOutcome> {
    const [pointer, choices] = (await redis.eval(
      LOOKUP,
      1,
      liveKey(message.broadcasterId),
      PREFIX
    )) as [string | null, string | null]
    if (!pointer || !choices) return { counted: false, reason: 'no_vote_open' }
    const [runId, channelId] = pointer.split(':').map(Number)
    const vote = { runId, channelId }
    if (message.sourceBroadcasterId && message.sourceBroadcasterId !== message.broadcasterId) {
      return { counted: false, vote, reason: 'shared_chat' }
    }
    const choice = parseChatVote(message.text, Number(choices), this.#voteWords)
    if (choice === null) return { counted: false, vote, reason: 'not_a_vote' }

    const keys = keysOf(vote)
    const result = await redis.eval(
      RECORD,
      3,
      keys.meta,
      keys.ballots,
      keys.counts,
      message.chatterId,
      String(choice),
      String(message.receivedAt),
      String(RETAIN_SECONDS)
    )
    if (result === 1) return { counted: true, vote, choice }
    return { counted: false, vote, reason: result === -2 ? 'already_voted' : 'closed' }
  }

  /** Votes per choice (index 0 = choice 1). */
  async counts(vote: ChatVoteRef, choices: number): Promise<number[]> {
    const [counts] = await this.countsOf([vote], choices)
    return counts
  }

  /**
   * The counts of several votes of one run (its chat channels) in one round
   * trip to Redis, in the order of `votes`.
   */
  async countsOf(votes: ChatVoteRef[], choices: number): Promise<number[][]> {
    const pipeline = redis.pipeline()
    for (const vote of votes) pipeline.hgetall(keysOf(vote).counts)
    // A pipeline always answers (only a watched transaction answers null);
    // an empty one answers at once, without a round trip.
    const replies = (await pipeline.exec())!
    return replies.map(([error, stored]) => {
      // A reply that is an error (a damaged key) is not zero votes.
      if (error) throw error
      const byChoice = stored as Record<string, string>
      return Array.from({ length: choices }, (_, index) => Number(byChoice[String(index + 1)] ?? 0))
    })
  }

  /**
   * Ends the vote at `at` (epoch ms): later ballots are refused, the channel
   * is free for another vote, and the keys expire after a day.
   */
  async close(vote: ChatVoteRef, broadcasterId: string, at: number): Promise<void> {
    const keys = keysOf(vote)
    await redis.eval(
      CLOSE,
      4,
      keys.meta,
      keys.ballots,
      keys.counts,
      liveKey(broadcasterId),
      String(at),
      voteKey(vote),
      String(RETAIN_SECONDS)
    )
  }
}
