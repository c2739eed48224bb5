import env from '#start/env'
import { appUrl } from '#config/app'
import type { TwitchScope } from '#services/twitch/twitch_ally_driver'

/**
 * Everything the Twitch clients need. The two base URLs are the only place a
 * Twitch host may come from: pointing them at any Twitch-compatible server
 * (the project's emulator included) is enough.
 */
const twitchConfig = {
  clientId: env.get('TWITCH_CLIENT_ID'),
  clientSecret: env.get('TWITCH_CLIENT_SECRET'),
  oauthUrl: env.get('TWITCH_OAUTH_URL', 'https://id.twitch.tv/oauth2').replace(/\/+$/, ''),
  helixUrl: env.get('TWITCH_HELIX_URL', 'https://api.twitch.tv/helix').replace(/\/+$/, ''),
  callbackUrl: `${appUrl}/auth/twitch/callback`,

  /**
   * Scopes asked at sign-in: polls need manage + read, the dashboard shows the
   * email, and chat voting reads and writes the channel's chat as Chorus's bot
   * (see docs/chat-voting.md).
   */
  scopes: [
    'channel:manage:polls',
    'channel:read:polls',
    'user:read:email',
    'user:read:chat',
    'user:write:chat',
    'user:bot',
    'channel:bot',
  ] as TwitchScope[],

  /**
   * Upper bound of one HTTP call to Twitch; a hung socket must not stall a
   * refresh cycle or a poll launch.
   */
  timeoutMs: env.get('TWITCH_TIMEOUT_MS', 10_000),

  /**
   * Twitch events (docs/eventsub.md). Over webhooks without a secret
   * EventSub is off and live results are read from Helix; real Twitch only
   * delivers to a public `https:` callback on port 443. Over a conduit,
   * each web instance opens a WebSocket session to Twitch: no address needed.
   */
  eventsub: {
    /** `webhook` (public callback, signed) or `conduit` (WebSocket shards, no public address). */
    transport: env.get('TWITCH_EVENTSUB_TRANSPORT', 'webhook'),
    secret: env.get('TWITCH_EVENTSUB_SECRET', ''),
    callbackUrl: env.get('TWITCH_EVENTSUB_CALLBACK_URL') || `${appUrl}/webhooks/twitch/eventsub`,
    websocketUrl: env.get('TWITCH_EVENTSUB_WS_URL') || 'wss://eventsub.wss.twitch.tv/ws',
    /** Over a conduit: how often each instance asks Twitch whether its own shard is enabled. */
    shardCheckMs: env.get('TWITCH_EVENTSUB_SHARD_CHECK_MS', 30_000),
  },
}

export default twitchConfig
export type TwitchConfig = typeof twitchConfig
