import { DateTime } from 'luxon'
import { randomBytes } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import testUtils from '@adonisjs/core/services/test_utils'
import type { Group } from '@japa/runner/core'
import type User from '#models/user'
import type Campaign from '#models/campaign'
import type Streamer from '#models/streamer'
import { UserFactory } from '#database/factories/user_factory'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { Clock } from '#services/clock'
import { FixedClock } from '#tests/helpers/fixed_clock'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import type { StreamerPages } from '#services/tokens/refresh_selection'
import { TransientRetryQueue } from '#services/tokens/transient_retry_queue'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import type { EmulatorUser } from '#emulator/server'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

export interface ConnectedStreamerOptions {
  /** When the stored access token expires; default 4 h after `now`. */
  tokenExpiresAt?: DateTime | null
  /** Active poll authorization in a campaign of `gm` (default true). */
  authorized?: boolean
  /** The campaign's GM; a new user by default. */
  gm?: User
  isActive?: boolean
  tokenRefreshFailedAt?: DateTime | null
  /** The time the fixture is built for (default: real now). */
  now?: DateTime
}

export interface ConnectedStreamer {
  streamer: Streamer
  twitchUser: EmulatorUser
  campaign: Campaign | null
  gm: User | null
}

/**
 * A streamer known to the emulator, holding tokens the emulator issued, with
 * (by default) an active poll authorization in a campaign.
 */
export async function connectedStreamer(
  options: ConnectedStreamerOptions = {}
): Promise<ConnectedStreamer> {
  const now = options.now ?? DateTime.now()
  const login = `tok_${randomBytes(5).toString('hex')}`
  const twitchUser = twitchEmulator.state.createUser({
    login,
    displayName: `Tok ${login.slice(4)}`,
  })
  const tokens = twitchEmulator.state.issueTokens(twitchUser.id)

  const streamer = await StreamerFactory.with('user')
    .merge({
      twitchUserId: twitchUser.id,
      twitchLogin: twitchUser.login,
      twitchDisplayName: twitchUser.displayName,
      isActive: options.isActive ?? true,
      tokenExpiresAt:
        options.tokenExpiresAt === undefined ? now.plus({ hours: 4 }) : options.tokenExpiresAt,
      lastTokenRefreshAt: now.minus({ minutes: 5 }),
      tokenRefreshFailedAt: options.tokenRefreshFailedAt ?? null,
    })
    .create()
  streamer.setTokens({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken })
  await streamer.save()

  if (options.authorized === false) {
    return { streamer, twitchUser, campaign: null, gm: null }
  }
  const gm = options.gm ?? (await UserFactory.create())
  const campaign = await CampaignFactory.merge({ ownerId: gm.id }).create()
  await CampaignMembershipFactory.merge({
    campaignId: campaign.id,
    streamerId: streamer.id,
    pollAuthorizationGrantedAt: now.minus({ hours: 1 }),
    pollAuthorizationExpiresAt: now.plus({ hours: 11 }),
  }).create()
  return { streamer, twitchUser, campaign, gm }
}

/**
 * Refresh calls the emulator saw for one Twitch user.
 */
export function refreshCalls(twitchUserId: string) {
  return twitchEmulator.state.stats().byUser[twitchUserId]?.['token.refresh_token'] ?? 0
}

/**
 * Every streamer of a selection's pages, in order.
 */
export async function allStreamers(pages: StreamerPages) {
  const streamers: Streamer[] = []
  for await (const page of pages) streamers.push(...page)
  return streamers
}

/**
 * A fixed clock for the services, restored by the returned cleanup.
 */
export function useFixedClock(at: DateTime) {
  const clock = new FixedClock(at)
  app.container.swap(Clock, () => clock)
  return { clock, restore: () => app.container.restore(Clock) }
}

/**
 * Settings with millisecond backoff, so retry paths run fast.
 */
export function useFastSettings(overrides: Partial<TokenRefreshSettings> = {}) {
  const settings = new TokenRefreshSettings({
    backoff: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_500 },
    ...overrides,
  })
  app.container.swap(TokenRefreshSettings, () => settings)
  return { settings, restore: () => app.container.restore(TokenRefreshSettings) }
}

/**
 * Forgets locks, tick claims and queued retries left by earlier tests.
 */
export async function clearTokenRefreshKeys() {
  await new TransientRetryQueue().clear()
  const keys = await redis.keys('token-refresh:*')
  if (keys.length > 0) {
    await redis.del(...keys)
  }
}

/**
 * The usual setup of a token test group: a global transaction, no Redis
 * leftovers, fast backoff, the services' clock fixed at `at`, and the
 * emulator's switches back to normal after each test.
 */
export function tokenTestGroup(group: Group, at: DateTime) {
  let current: FixedClock | null = null
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    await clearTokenRefreshKeys()
    const settings = useFastSettings()
    const fixed = useFixedClock(at)
    current = fixed.clock
    const lifetime = twitchEmulator.state.tokenLifetimeSeconds
    return () => {
      twitchEmulator.state.setLifetime(lifetime)
      settings.restore()
      fixed.restore()
      app.container.restore(TwitchOAuthClient)
      twitchEmulator.state.setLatency(0)
      twitchEmulator.state.omitExpiresInOnRefresh(false)
    }
  })
  return {
    /** The fixed clock of the running test. */
    get clock(): FixedClock {
      if (!current) throw new Error('The clock exists once a test runs')
      return current
    },
  }
}
