import type { DateTime } from 'luxon'
import type Streamer from '#models/streamer'

export interface ConnectionHealth {
  status: 'connected' | 'renewal_failed' | 'token_expired' | 'disconnected'
  label: string
  tone: 'ok' | 'warn' | 'bad'
  detail: string
  /** Signing in with Twitch again is the way out. */
  reconnect: boolean
  tokenExpiresAt: DateTime | null
  lastRefreshAt: DateTime | null
}

/**
 * The health of a streamer's own Twitch connection, as they see it on their
 * dashboard and campaign pages.
 */
export function connectionHealth(streamer: Streamer, now: DateTime): ConnectionHealth {
  const base = {
    tokenExpiresAt: streamer.tokenExpiresAt,
    lastRefreshAt: streamer.lastTokenRefreshAt,
  }
  if (!streamer.isActive) {
    return {
      ...base,
      status: 'disconnected',
      label: 'Disconnected',
      tone: 'bad',
      detail:
        'Twitch no longer accepts your authorization, so no poll can run on your channel. ' +
        'Reconnect your Twitch account.',
      reconnect: true,
    }
  }
  if (streamer.tokenRefreshFailedAt) {
    return {
      ...base,
      status: 'renewal_failed',
      label: 'Renewal failed',
      tone: 'warn',
      detail:
        'Twitch refused the last renewal of your token. Chorus tries again within 15 minutes; ' +
        'reconnecting your Twitch account fixes it right away.',
      reconnect: true,
    }
  }
  if (!streamer.accessTokenEncrypted || streamer.isTokenExpired(now)) {
    return {
      ...base,
      status: 'token_expired',
      label: 'Token expired',
      tone: 'warn',
      detail: 'Your Twitch token ran out; Chorus renews it before the next poll or when you grant.',
      reconnect: false,
    }
  }
  return {
    ...base,
    status: 'connected',
    label: 'Connected',
    tone: 'ok',
    detail: 'Chorus keeps your Twitch token fresh while a campaign is authorized.',
    reconnect: false,
  }
}
