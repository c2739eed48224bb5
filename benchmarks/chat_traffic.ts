import { NOISE, VOTE_FORMS } from '#emulator/auto_chatters'

/**
 * The chat a benchmark posts, message by message, and the votes it must
 * produce: what Chorus counts is checked against these, not against itself.
 * The mix, repeated every 20 rounds (a round is one message per channel):
 * 10 first votes from new chatters, 3 repeat votes (same chatter, same
 * choice, another spelling: delivery order is not promised, so which of the
 * two counts must not matter), 1 text that looks like a vote and is not,
 * 6 plain chatter (the emulator's auto-chatters' spellings and chatter).
 * The rules are in docs/chat-voting.md.
 */
type Kind = 'vote' | 'repeat' | 'invalid' | 'noise'

/** One letter a round: v = first vote, r = repeat vote, i = not a vote, n = chatter. */
const MIX = 'vnvrvnvivnvrvnvnvrvn'
const KINDS: Record<string, Kind> = { v: 'vote', r: 'repeat', i: 'invalid', n: 'noise' }

/** Near misses with three choices: out of range, or not the whole message. */
const NOT_VOTES = ['4', '!vote 7', '1.', '!vote2', '01', '1 please']

export interface ChatLine {
  /** The channel (broadcaster login). */
  login: string
  chatterLogin: string
  text: string
  /** For a vote that counts: the channel's total once it is counted. */
  expectedTotal: number | null
}

interface Voter {
  chatterLogin: string
  choice: number
  spelling: number
}

export class ChatTraffic {
  #voters: Voter[][]
  #expected: number[][]
  #kinds = new Map<Kind, number>()

  constructor(
    private logins: string[],
    private choiceCount: number
  ) {
    this.#voters = logins.map(() => [])
    this.#expected = logins.map(() => Array.from({ length: choiceCount }, () => 0))
  }

  /** One first vote per channel, counted like the others, sent before the load. */
  warmUp(): ChatLine[] {
    return this.logins.map((login, channel) => {
      const choice = (channel % this.choiceCount) + 1
      const expected = this.#expected[channel]
      expected[choice - 1]++
      return {
        login,
        chatterLogin: `c${channel}_warmup`,
        text: String(choice),
        expectedTotal: expected.reduce((sum, votes) => sum + votes, 0),
      }
    })
  }

  /** The message of `slot`; slots are taken in order, each once. */
  next(slot: number): ChatLine {
    const channel = slot % this.logins.length
    const round = Math.floor(slot / this.logins.length)
    const voters = this.#voters[channel]
    let kind = KINDS[MIX[round % MIX.length]]
    if (kind === 'repeat' && voters.length === 0) kind = 'noise'
    this.#kinds.set(kind, (this.#kinds.get(kind) ?? 0) + 1)
    const login = this.logins[channel]

    if (kind === 'vote') {
      const number = voters.length
      const voter = {
        chatterLogin: `c${channel}_v${number}`,
        choice: ((number * 7 + channel) % this.choiceCount) + 1,
        spelling: number % VOTE_FORMS.length,
      }
      voters.push(voter)
      const expected = this.#expected[channel]
      expected[voter.choice - 1]++
      return {
        login,
        chatterLogin: voter.chatterLogin,
        text: VOTE_FORMS[voter.spelling](voter.choice),
        expectedTotal: expected.reduce((sum, votes) => sum + votes, 0),
      }
    }
    if (kind === 'repeat') {
      const voter = voters[(round * 13) % voters.length]
      const spelling = (voter.spelling + 1) % VOTE_FORMS.length
      return {
        login,
        chatterLogin: voter.chatterLogin,
        text: VOTE_FORMS[spelling](voter.choice),
        expectedTotal: null,
      }
    }
    const texts = kind === 'invalid' ? NOT_VOTES : NOISE
    return {
      login,
      chatterLogin: `c${channel}_n${round % 50}`,
      text: texts[round % texts.length],
      expectedTotal: null,
    }
  }

  /** Votes per choice a channel must end with. */
  expected(login: string): number[] {
    const channel = this.logins.indexOf(login)
    // A channel nobody wrote in: every vote it holds is one too many.
    return channel === -1
      ? Array.from({ length: this.choiceCount }, () => 0)
      : this.#expected[channel]
  }

  get expectedTotal() {
    return this.#expected.flat().reduce((sum, votes) => sum + votes, 0)
  }

  /** What was posted, by kind. */
  describe() {
    const count = (kind: Kind) => this.#kinds.get(kind) ?? 0
    return (
      `${count('vote')} first votes, ${count('repeat')} repeat votes, ` +
      `${count('invalid')} vote-like non-votes, ${count('noise')} chatter`
    )
  }
}
