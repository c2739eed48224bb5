import type { ChatVoteWindow } from './chat_vote_windows.js'

export interface AutoChatLine {
  login: string
  text: string
}

/** The ways a vote is typed in chat (all valid for Chorus). */
export const VOTE_FORMS = [
  (n: number) => `${n}`,
  (n: number) => `!${n}`,
  (n: number) => `!vote ${n}`,
  (n: number) => ` !VOTE ${n} `,
]

/** Chatter that is not a vote, some of it vote-like on purpose. */
export const NOISE = [
  'lol',
  'GG',
  'PogChamp',
  'this is so tense',
  'first time here!',
  '!discord',
  'vote 2 pls',
  '!vote',
  '0',
  'LUL which one wins',
  'can we vote twice?',
]

const ADJECTIVES = ['quiet', 'brave', 'sleepy', 'lucky', 'grumpy', 'swift', 'curious', 'merry']
const NOUNS = ['otter', 'kobold', 'wizard', 'bard', 'golem', 'dragon', 'rogue', 'owl']

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length) % items.length]
}

function pickChoice(weights: number[], random: () => number): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0)
  let roll = random() * total
  for (const [index, weight] of weights.entries()) {
    roll -= weight
    if (roll < 0) {
      return index + 1
    }
  }
  return weights.length
}

/**
 * The messages simulated viewers post in a channel's chat vote between the
 * last settlement and `until` (computed from the clock, like automatic poll
 * votes): mostly first votes in every accepted form, some repeated votes by
 * chatters who already voted (sometimes for another choice), and some noise,
 * including out-of-range numbers.
 */
export function autoChatLines(
  window: ChatVoteWindow,
  until: number,
  random: () => number
): AutoChatLine[] {
  const end = Math.min(until, window.closesAt)
  if (end <= window.countedUntil) {
    return []
  }
  const expected = ((end - window.countedUntil) / 1000) * window.messagesPerSecond + window.carry
  const count = Math.floor(expected)
  window.carry = expected - count
  window.countedUntil = end
  const lines: AutoChatLine[] = []
  for (let index = 0; index < count; index++) {
    const roll = random()
    const voters = [...window.voters.keys()]
    if (roll < 0.12 && voters.length > 0) {
      // A second vote: the same choice again, or a change of mind. Neither counts.
      const login = pick(voters, random)
      const first = window.voters.get(login) ?? 1
      const choice = random() < 0.5 ? first : pickChoice(window.weights, random)
      lines.push({ login, text: pick(VOTE_FORMS, random)(choice) })
    } else if (roll < 0.75) {
      const login = `${pick(ADJECTIVES, random)}_${pick(NOUNS, random)}_${window.voters.size + 1}`
      const choice = pickChoice(window.weights, random)
      window.voters.set(login, choice)
      lines.push({ login, text: pick(VOTE_FORMS, random)(choice) })
    } else if (roll < 0.8) {
      lines.push({
        login: 'number_fan',
        text: String(window.choices + 1 + Math.floor(random() * 5)),
      })
    } else {
      lines.push({ login: `lurker_${1 + Math.floor(random() * 20)}`, text: pick(NOISE, random) })
    }
  }
  return lines
}
