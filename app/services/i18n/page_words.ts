import type { I18n } from '@adonisjs/i18n'
import { formattingLocale } from '#services/i18n/locales'

/**
 * The words the pages' own scripts write (countdowns, live results, push
 * control, copy buttons), as ICU messages of the reader's language. The
 * layout carries them (`#page-words`) and public/js/page_words.js writes
 * them out with the browser's Intl, like the overlay's words
 * (docs/languages.md). Named here one by one: each is a key of a language file.
 */
const WORDS = {
  expired: 'common.time.expired',
  left_hours: 'common.time.left_hours',
  left_minutes: 'common.time.left_minutes',
  left_clock: 'common.time.left_clock',
  copied: 'common.copy.copied',
  copy_by_hand: 'common.copy.by_hand',
  votes_word: 'polls.votes_word',
  verdict: 'polls.verdict',
  time_up: 'polls.run.time_up',
  live_on: 'polls.run.live_on',
  reconnecting: 'polls.run.reconnecting',
  live_unavailable: 'polls.run.live_unavailable',
  run_status: 'polls.status',
  voting: 'polls.voting',
  voting_interrupted: 'polls.voting_interrupted',
  results_via: 'polls.results_via',
  reason: 'polls.reason',
  reason_detail: 'polls.reason_detail',
  end_pending: 'polls.end_pending',
  detail: 'polls.detail',
  launch_note: 'polls.launch_note',
  push: 'notifications.push',
} as const

/** Every message under `key`, flattened to `name.inner` (a parent key gives a small table). */
function messagesUnder(i18n: I18n, name: string, key: string, into: Record<string, string>) {
  const message = i18n.resolveIdentifier(key)?.message
  if (message !== undefined) {
    into[name] = message
    return
  }
  const prefix = `${key}.`
  for (const [known, value] of Object.entries(i18n.localeTranslations ?? {})) {
    if (known.startsWith(prefix)) into[`${name}.${known.slice(prefix.length)}`] = String(value)
  }
}

export function pageWords(i18n: I18n): string {
  const words: Record<string, string> = {}
  for (const [name, key] of Object.entries(WORDS)) messagesUnder(i18n, name, key, words)
  return JSON.stringify({ locale: formattingLocale(i18n.locale), words })
}
