import Streamer from '#models/streamer'

/** How an operator's argument named a streamer. */
type StreamerMatch = 'chorus_id' | 'twitch_user_id' | 'twitch_login'

export const STREAMER_MATCH_LABELS: Record<StreamerMatch, string> = {
  chorus_id: 'Chorus streamer id',
  twitch_user_id: 'Twitch user id',
  twitch_login: 'Twitch login',
}

interface FoundStreamer {
  streamer: Streamer
  matchedBy: StreamerMatch
  /**
   * A number matching one streamer's Chorus id and another's Twitch user id:
   * the Chorus id wins, and this is the other one, so the operator can pick it
   * by its login.
   */
  alsoMatched: Streamer | null
}

/** Postgres integers stop at 2^31 - 1: a longer number can only be a Twitch user id. */
const CHORUS_ID = /^[1-9]\d{0,8}$/
const TWITCH_USER_ID = /^\d{1,20}$/
const TWITCH_LOGIN = /^[a-z0-9_]{1,64}$/i

/**
 * Finds the streamer an operator names on the console: by Chorus's own id,
 * by Twitch user id (what the emulator and Twitch's tools show) or by Twitch
 * login (any case). Null when nobody matches.
 */
export async function findStreamerByReference(reference: string): Promise<FoundStreamer | null> {
  const text = reference.trim()
  const byId = CHORUS_ID.test(text) ? await Streamer.find(Number(text)) : null
  const byTwitchId = TWITCH_USER_ID.test(text)
    ? await Streamer.findBy('twitch_user_id', text)
    : null
  if (byId) {
    const other = byTwitchId && byTwitchId.id !== byId.id ? byTwitchId : null
    return { streamer: byId, matchedBy: 'chorus_id', alsoMatched: other }
  }
  if (byTwitchId) return { streamer: byTwitchId, matchedBy: 'twitch_user_id', alsoMatched: null }
  if (!TWITCH_LOGIN.test(text)) return null
  const byLogin = await Streamer.query()
    .whereRaw('lower(twitch_login) = ?', [text.toLowerCase()])
    .first()
  return byLogin ? { streamer: byLogin, matchedBy: 'twitch_login', alsoMatched: null } : null
}
