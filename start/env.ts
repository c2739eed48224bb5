/*
|--------------------------------------------------------------------------
| Environment variables
|--------------------------------------------------------------------------
|
| Every variable (docs/operations.md, "Configuration") is validated here at
| boot, so a typo fails loudly instead of surfacing mid-show. Every variable
| beyond the required ones has a default.
*/
import { Env } from '@adonisjs/core/env'
import { parseAddressList } from '#services/push/network_address'
import { errorMessage } from '#services/error_message'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number.optional(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.string(),
  APP_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  LOG_LEVEL: Env.schema.string.optional(),

  /*
  | Sessions
  */
  SESSION_DRIVER: Env.schema.enum.optional(['cookie', 'memory', 'redis'] as const),

  /*
  | PostgreSQL
  */
  DB_HOST: Env.schema.string.optional({ format: 'host' }),
  DB_PORT: Env.schema.number.optional(),
  DB_USER: Env.schema.string.optional(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string.optional(),

  /*
  | Redis (REDIS_DB lets parallel test runs keep apart; default 0)
  */
  REDIS_HOST: Env.schema.string.optional({ format: 'host' }),
  REDIS_PORT: Env.schema.number.optional(),
  REDIS_PASSWORD: Env.schema.string.optional(),
  REDIS_DB: Env.schema.number.optional(),

  /*
  | Twitch: the application and the two base URLs (the only place a Twitch
  | host may come from)
  */
  TWITCH_CLIENT_ID: Env.schema.string(),
  TWITCH_CLIENT_SECRET: Env.schema.string(),
  TWITCH_OAUTH_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  TWITCH_HELIX_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  TWITCH_TIMEOUT_MS: Env.schema.number.optional(),

  /*
  | Twitch events (EventSub over webhooks): empty secret = off, results are
  | read from Helix instead (docs/eventsub.md)
  */
  TWITCH_EVENTSUB_SECRET: (name: string, value?: string) => {
    if (value === undefined || value === '') return ''
    if (!/^[\x21-\x7e]{10,100}$/.test(value)) {
      throw new Error(
        `${name} must be 10 to 100 printable ASCII characters without spaces (or empty to turn EventSub off)`
      )
    }
    return value
  },
  TWITCH_EVENTSUB_CALLBACK_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  /*
  | How Twitch's events arrive: `webhook` (a public HTTPS callback, needs the
  | secret) or `conduit` (WebSocket sessions Chorus opens itself: no public
  | address, no secret)
  */
  TWITCH_EVENTSUB_TRANSPORT: Env.schema.enum.optional(['webhook', 'conduit'] as const),
  TWITCH_EVENTSUB_WS_URL: (name: string, value?: string) => {
    if (value === undefined || value === '') return undefined
    let protocol = ''
    try {
      protocol = new URL(value).protocol
    } catch {}
    if (protocol !== 'wss:' && protocol !== 'ws:') {
      throw new Error(`${name} must be a ws:// or wss:// URL, e.g. wss://eventsub.wss.twitch.tv/ws`)
    }
    return value
  },
  /** How often a conduit instance asks Twitch whether its shard is still enabled (ms). */
  TWITCH_EVENTSUB_SHARD_CHECK_MS: Env.schema.number.optional(),

  /*
  | Web push
  */
  VAPID_PUBLIC_KEY: Env.schema.string.optional(),
  VAPID_PRIVATE_KEY: Env.schema.string.optional(),
  VAPID_SUBJECT: Env.schema.string.optional(),
  PUSH_ALLOW_PRIVATE_ENDPOINTS: Env.schema.boolean.optional(),

  /*
  | Token refresh scheduler
  */
  SCHEDULER_ENABLED: Env.schema.boolean.optional(),
  SCHEDULER_TIMEZONE: Env.schema.string.optional(),
  TOKEN_REFRESH_CONCURRENCY: Env.schema.number.optional(),

  /*
  | Overlay: requests per minute and per address to overlay pages, their
  | state and their live channel (docs/overlay.md)
  */
  OVERLAY_REQUESTS_PER_MINUTE: Env.schema.number.optional(),
  // Reverse proxies whose X-Forwarded-For is believed: addresses or CIDR
  // ranges, comma-separated (config/proxies.ts); empty = none
  TRUSTED_PROXIES: (name: string, value?: string) => {
    try {
      parseAddressList(value ?? '')
    } catch (error) {
      throw new Error(`${name}: ${errorMessage(error)}`)
    }
    return value
  },

  /*
  | Poll lifecycle: how soon another instance takes over a run whose owner
  | died (docs/live-results.md, "When something fails")
  */
  POLL_WATCH_INTERVAL_MS: Env.schema.number.optional(),
  POLL_OWNER_LOCK_TTL_MS: Env.schema.number.optional(),
  POLL_END_RETRY_MS: Env.schema.number.optional(),
  POLL_READER_LOCK_TTL_MS: Env.schema.number.optional(),
})
