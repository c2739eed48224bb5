import { durationText } from '#services/polls/duration_text'

/**
 * The messages Chorus posts in a chat-voting channel: the question when the
 * vote opens and the combined result when it ends. Twitch refuses chat
 * messages over 500 characters, so a text that would pass it is split into
 * several messages at the separators, never inside a choice.
 * See docs/chat-voting.md.
 */
export const CHAT_MESSAGE_LIMIT = 500

const SEPARATOR = ' · '

interface ChatQuestion {
  title: string
  choices: string[]
  durationSeconds: number
}

export function howToVote(choiceCount: number): string {
  const numbers = Array.from({ length: choiceCount }, (_, index) => String(index + 1))
  const listed = `${numbers.slice(0, -1).join(', ')} or ${numbers.at(-1)}`
  return `type ${listed} in chat`
}

export function announcementMessages(question: ChatQuestion): string[] {
  const parts = [
    `Vote: ${question.title}`,
    ...question.choices.map((choice, index) => `${index + 1} = ${choice}`),
    `${howToVote(question.choices.length)} (or !vote N), ${durationText(question.durationSeconds)} to vote`,
  ]
  return packMessages(parts)
}

interface ChatResultLine {
  title: string
  votes: number
}

export function resultMessages(title: string, totals: ChatResultLine[]): string[] {
  const total = totals.reduce((sum, line) => sum + line.votes, 0)
  const top = Math.max(0, ...totals.map((line) => line.votes))
  const winners = total === 0 ? [] : totals.filter((line) => line.votes === top)
  const verdict =
    winners.length === 0
      ? 'no votes'
      : winners.length === 1
        ? `winner: ${winners[0].title}`
        : `tie: ${winners.map((line) => line.title).join(' / ')}`
  const parts = [
    `Results (all channels): ${title}`,
    ...totals.map(
      (line, index) => `${index + 1} = ${line.title} ${percent(line.votes, total)} (${line.votes})`
    ),
    verdict,
  ]
  return packMessages(parts)
}

/**
 * Joins parts with the separator into as few messages as fit the limit; a
 * single part longer than the limit is cut at a word boundary.
 */
export function packMessages(parts: string[], limit = CHAT_MESSAGE_LIMIT): string[] {
  const messages: string[] = []
  let current = ''
  for (const part of parts.flatMap((text) => cutToLimit(text, limit))) {
    const joined = current === '' ? part : `${current}${SEPARATOR}${part}`
    if (joined.length <= limit) {
      current = joined
    } else {
      messages.push(current)
      current = part
    }
  }
  if (current !== '') messages.push(current)
  return messages
}

function cutToLimit(text: string, limit: number): string[] {
  const pieces: string[] = []
  let rest = text
  while (rest.length > limit) {
    const space = rest.lastIndexOf(' ', limit)
    const at = space > 0 ? space : limit
    pieces.push(rest.slice(0, at))
    rest = rest.slice(at).trimStart()
  }
  pieces.push(rest)
  return pieces
}

function percent(votes: number, total: number): string {
  return total === 0 ? '0%' : `${Math.round((votes / total) * 100)}%`
}
