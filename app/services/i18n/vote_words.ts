import { SUPPORTED_LOCALES } from '#services/i18n/locales'
import { translator } from '#services/i18n/translator'

/**
 * The words a viewer may put before the number (`!vote 2`, `!voto 2`): each
 * language's `chat.vote_word`, accepted in every channel, so a viewer who
 * types another language's word still votes (docs/chat-voting.md).
 */
export function voteWords(): string[] {
  const words = SUPPORTED_LOCALES.map((locale) => translator(locale).t('chat.vote_word'))
  return [...new Set(words.map((word) => word.trim().toLowerCase()))]
}
