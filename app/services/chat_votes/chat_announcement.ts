import type { I18n } from '@adonisjs/i18n'
import { choiceNumbers, durationText } from '#services/i18n/translator'
import { winnersOf } from '#services/polls/poll_snapshot'

/**
 * The messages Chorus posts in a chat-voting channel, in the channel's
 * audience language: the question when the vote opens and the combined
 * result when it ends. Twitch refuses chat messages over 500 characters, so
 * a text that would pass it is split into several messages at the
 * separators, never inside a choice. See docs/chat-voting.md.
 */
export const CHAT_MESSAGE_LIMIT = 500

const SEPARATOR = ' · '

interface ChatQuestion {
  title: string
  choices: string[]
  durationSeconds: number
}

export function announcementMessages(i18n: I18n, question: ChatQuestion): string[] {
  const parts = [
    i18n.t('chat.question', { title: question.title }),
    ...question.choices.map((choice, index) =>
      i18n.t('chat.choice', { number: String(index + 1), choice })
    ),
    i18n.t('chat.how_to_vote', {
      numbers: choiceNumbers(i18n, question.choices.length),
      word: i18n.t('chat.vote_word'),
      duration: durationText(i18n, question.durationSeconds),
    }),
  ]
  return packMessages(parts)
}

interface ChatResultLine {
  title: string
  votes: number
}

export function resultMessages(i18n: I18n, title: string, totals: ChatResultLine[]): string[] {
  const total = totals.reduce((sum, line) => sum + line.votes, 0)
  const winners = winnersOf(totals.map((line) => line.votes)).map((index) => totals[index])
  const verdict =
    winners.length === 0
      ? i18n.t('chat.no_votes')
      : winners.length === 1
        ? i18n.t('chat.winner', { choice: winners[0].title })
        : i18n.t('chat.tie', { choices: winners.map((line) => line.title).join(' / ') })
  const parts = [
    i18n.t('chat.results', { title }),
    ...totals.map((line, index) =>
      i18n.t('chat.result_line', {
        number: String(index + 1),
        choice: line.title,
        share: total === 0 ? 0 : line.votes / total,
        votes: line.votes,
      })
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
