import type { I18n } from '@adonisjs/i18n'

/*
 * What went wrong for one channel of a run, after its reason: why its
 * launch failed (`poll_channels.error`) or why its last read or end failed
 * (`poll_channels.last_read_error`). Chorus's own sentences are stored as
 * their message key (`polls.detail.<code>`) and written in the reader's
 * language; what Twitch itself answered is stored as Twitch wrote it, and so
 * is any older row's text (docs/languages.md).
 */

export const DETAIL_CODES = [
  'token_not_renewed',
  'token_unreachable',
  'token_refused_renewed',
  'renewal_refused',
  'rate_limited',
  'no_answer',
  'twitch_unreachable',
  'reconnect_needed',
  'streamer_left',
  'poll_gone',
  'chat_not_confirmed',
  'chat_vote_open',
  'not_posted',
  'not_asked_in_time',
  'unexpected',
] as const

type DetailCode = (typeof DETAIL_CODES)[number]

const KEY_PREFIX = 'polls.detail.'

/** A channel's detail as the snapshot gives it: Chorus's code, or a text shown as is. */
export type ChannelDetail = { code: DetailCode } | { text: string }

/** What is stored for one of Chorus's own sentences. */
export function storedDetail(code: DetailCode): string {
  return `${KEY_PREFIX}${code}`
}

/**
 * A stored detail read back: a key of Chorus's is a code, anything else
 * Twitch's (or an older row's) text. A launching channel's row, not stored
 * yet, may not have the column at all.
 */
export function readDetail(stored: string | null | undefined): ChannelDetail | null {
  if (!stored) return null
  if (stored.startsWith(KEY_PREFIX)) {
    const code = stored.slice(KEY_PREFIX.length)
    if ((DETAIL_CODES as readonly string[]).includes(code)) return { code: code as DetailCode }
  }
  return { text: stored }
}

/** The detail for one reader (the JSON API reads English). */
export function detailText(i18n: I18n, detail: ChannelDetail): string {
  return 'code' in detail ? i18n.t(`polls.detail.${detail.code}`) : detail.text
}
