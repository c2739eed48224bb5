import db from '@adonisjs/lucid/services/db'
import { DEFAULT_LOCALE, isLocale, type Locale } from '#services/i18n/locales'

/**
 * The audience language of each channel (by Twitch user id), in one query:
 * what its viewers read in chat and on the overlay. A channel Chorus does
 * not know reads English.
 */
export async function audienceLocalesOf(twitchUserIds: string[]): Promise<Map<string, Locale>> {
  const unique = [...new Set(twitchUserIds)]
  if (unique.length === 0) return new Map()
  const rows: { twitch_user_id: string; audience_locale: string }[] = await db
    .from('streamers')
    .whereIn('twitch_user_id', unique)
    .select('twitch_user_id', 'audience_locale')
  const found = new Map(rows.map((row) => [row.twitch_user_id, row.audience_locale]))
  return new Map(
    unique.map((id) => {
      const locale = found.get(id)
      return [id, isLocale(locale) ? locale : DEFAULT_LOCALE]
    })
  )
}
