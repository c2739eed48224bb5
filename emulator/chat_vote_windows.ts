import { EmulatorInputError } from './emulator_error.js'

/** How long an announced chat vote lasts when the announcement names no duration. */
export const DEFAULT_CHAT_VOTE_SECONDS = 120

/** A chat vote the auto-chatters believe is running in a channel. */
export interface ChatVoteWindow {
  broadcasterId: string
  choices: number
  /** epoch ms */
  opensAt: number
  closesAt: number
  /** Up to when (epoch ms) auto-chatter messages were already posted. */
  countedUntil: number
  /** Fractional message carried to the next settlement. */
  carry: number
  messagesPerSecond: number
  /** Relative popularity of each choice. */
  weights: number[]
  /** Chatters who voted, by login, with their (first) choice. */
  voters: Map<string, number>
}

export type AnnouncementReading =
  { kind: 'vote'; choices: number; seconds: number | null } | { kind: 'results' } | null

/**
 * What the app's chat message says to the auto-chatters. A question lists its
 * choices as `1 = …`, `2 = …` (at least two, numbered from 1) and may say how
 * long it runs (`60 s`, `90 seconds`, `2 min`, in Chorus's languages `90 Sek.`, `2 Min.`). Results close the vote: a
 * message whose choices carry a share (`1 = Yes 57%`), or one that speaks of
 * results or a winner without listing choices, so a question that merely
 * mentions a winner ("Who is the winner of the duel?") still opens one.
 * Anything else changes nothing.
 */
export function readAnnouncement(text: string): AnnouncementReading {
  if (/\d\s*%/.test(text)) {
    return { kind: 'results' }
  }
  const numbered = new Set(
    [...text.matchAll(/(?:^|[^0-9])(\d)\s*=\s*\S/g)].map((match) => Number(match[1]))
  )
  let choices = 0
  while (numbered.has(choices + 1)) {
    choices++
  }
  if (choices < 2) {
    return /\b(results?|winner)\b/i.test(text) ? { kind: 'results' } : null
  }
  const seconds = /(\d+)\s*(?:seconds?|secs?|sek|seg|s)\b/i.exec(text)
  const minutes = /(\d+)\s*(?:minutes?|mins?|m)\b/i.exec(text)
  const duration = seconds ? Number(seconds[1]) : minutes ? Number(minutes[1]) * 60 : null
  return { kind: 'vote', choices, seconds: duration !== null && duration > 0 ? duration : null }
}

/** The open chat votes, one per channel at most. */
export class ChatVoteWindows {
  #windows = new Map<string, ChatVoteWindow>()

  reset(): void {
    this.#windows.clear()
  }

  open(
    broadcasterId: string,
    choices: number,
    seconds: number,
    now: number,
    random: () => number
  ): ChatVoteWindow {
    if (!Number.isInteger(choices) || choices < 2 || choices > 9) {
      throw new EmulatorInputError('"choices" must be an integer from 2 to 9')
    }
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new EmulatorInputError('"seconds" must be a number > 0')
    }
    const window: ChatVoteWindow = {
      broadcasterId,
      choices,
      opensAt: now,
      closesAt: now + seconds * 1000,
      countedUntil: now,
      carry: 0,
      messagesPerSecond: 1 + random() * 3,
      weights: Array.from({ length: choices }, () => 0.2 + random()),
      voters: new Map(),
    }
    this.#windows.set(broadcasterId, window)
    return window
  }

  close(broadcasterId: string): boolean {
    return this.#windows.delete(broadcasterId)
  }

  get(broadcasterId: string): ChatVoteWindow | undefined {
    return this.#windows.get(broadcasterId)
  }

  list(): ChatVoteWindow[] {
    return [...this.#windows.values()]
  }
}
