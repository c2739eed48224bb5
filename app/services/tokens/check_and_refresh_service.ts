import type { DateTime } from 'luxon'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import Streamer from '#models/streamer'
import CampaignMembership from '#models/campaign_membership'
import { Clock } from '#services/clock'
import { mapWithConcurrency } from '#services/concurrency'
import { TwitchOAuthClient } from '#services/twitch/twitch_oauth_client'
import { TwitchError } from '#services/twitch/twitch_errors'
import { RefreshTiming } from '#services/tokens/refresh_timing'
import { StreamerRefresher } from '#services/tokens/streamer_refresher'
import { TokenRefreshSettings } from '#services/tokens/token_refresh_settings'
import { isAuthorizationActive } from '#services/campaigns/channel_state'
import type { RefreshOutcome, RefreshTrigger } from '#services/tokens/refresh_outcome'
import type { Message } from '#services/i18n/message'

/**
 * - `ready`: authorized, token valid (checked with Twitch);
 * - `refreshed`: authorized, the token was due or refused and is now renewed;
 * - `needs_reconnect`: deactivated, or Twitch refuses the token and the refresh failed;
 * - `not_authorized`: no active poll authorization (for the campaign, or at all).
 */
export type StreamerHealthStatus = 'ready' | 'refreshed' | 'needs_reconnect' | 'not_authorized'

interface StreamerHealth {
  streamerId: number
  streamer: Streamer
  status: StreamerHealthStatus
  /**
   * What the check found, sentence by sentence, as message keys the
   * readiness page writes in the reader's language (docs/languages.md).
   */
  detail: Message[]
  /** Twitch could not be reached; a later check may succeed without reconnecting. */
  retryable: boolean
  tokenExpiresAt: DateTime | null
  /** The refresh this check triggered, if any. */
  refresh: RefreshOutcome | null
}

/** A campaign member's health: with the membership its channel state is read from. */
export interface MemberHealth extends StreamerHealth {
  membership: CampaignMembership
}

interface HealthCheckOptions<Health extends StreamerHealth = StreamerHealth> {
  trigger?: Extract<RefreshTrigger, 'health_check' | 'validation'>
  concurrency?: number
  /**
   * Called with each streamer's result as soon as it is known, inside that
   * streamer's worker (awaited, so it counts toward `concurrency`): the poll
   * launch creates a ready channel's poll right away instead of waiting for
   * the slowest check.
   */
  onChecked?: (health: Health) => Promise<void> | void
  /** Called with every streamer about to be checked, before the first check (the launch's progress). */
  onMembers?: (streamers: Streamer[]) => void
}

/**
 * Checks streamers' tokens and refreshes those that need it: before a poll
 * launch, on the readiness page ("Check now") and in the hourly validation
 * (docs/token-policy.md). Expiry-aware: a due or expired token is refreshed
 * without asking Twitch first; any other one is checked with `/validate`,
 * and a 401 leads to a refresh under the policy.
 */
@inject()
export class CheckAndRefreshService {
  constructor(
    private clock: Clock,
    private settings: TokenRefreshSettings,
    private oauth: TwitchOAuthClient,
    private timing: RefreshTiming,
    private refresher: StreamerRefresher
  ) {}

  /**
   * Every member of a campaign; authorized means an active membership with
   * a running poll authorization for this campaign.
   */
  async checkCampaign(
    campaignId: number,
    options: HealthCheckOptions<MemberHealth> = {}
  ): Promise<MemberHealth[]> {
    const now = this.clock.now()
    const memberships = await CampaignMembership.query()
      .where('campaign_id', campaignId)
      .preload('streamer')
      .orderBy('id')
    options.onMembers?.(memberships.map((membership) => membership.streamer))
    return this.#checkAll(memberships, options, async (membership, check) => ({
      ...(await check(membership.streamer, isAuthorizationActive(membership, now))),
      membership,
    }))
  }

  /**
   * A list of streamers; authorized means active authorization in any campaign.
   */
  async checkStreamers(streamers: Streamer[], options: HealthCheckOptions = {}) {
    if (streamers.length === 0) return []
    const now = this.clock.now()
    const rows: { id: number }[] = await Streamer.query()
      .whereIn(
        'id',
        streamers.map((streamer) => streamer.id)
      )
      .withScopes((scopes) => scopes.withActiveAuthorization(now))
      .select('id')
      .pojo()
    const authorized = new Set(rows.map((row) => row.id))
    return this.#checkAll(streamers, options, (streamer, check) =>
      check(streamer, authorized.has(streamer.id))
    )
  }

  async #checkAll<Item, Health extends StreamerHealth>(
    items: Item[],
    options: HealthCheckOptions<Health>,
    checkItem: (
      item: Item,
      check: (streamer: Streamer, authorized: boolean) => Promise<StreamerHealth>
    ) => Promise<Health>
  ): Promise<Health[]> {
    const nextTick = this.timing.nextTick()
    const trigger = options.trigger ?? 'health_check'
    const check = (streamer: Streamer, authorized: boolean) =>
      this.#check(streamer, authorized, nextTick, trigger)
    return mapWithConcurrency(
      items,
      options.concurrency ?? this.settings.concurrency,
      async (item) => {
        const result = await checkItem(item, check)
        await options.onChecked?.(result)
        return result
      }
    )
  }

  async #check(
    streamer: Streamer,
    authorized: boolean,
    nextTick: DateTime,
    trigger: RefreshTrigger
  ): Promise<StreamerHealth> {
    if (!streamer.isActive) {
      // Nothing to add: the channel's state already says the streamer has to sign in again.
      return health(streamer, 'needs_reconnect', [])
    }
    if (!authorized) {
      return health(streamer, 'not_authorized', [
        { key: 'campaigns.readiness.detail.no_authorization', values: {} },
      ])
    }

    const now = this.clock.now()
    const due = this.timing.dueDecision(streamer, now, nextTick)
    if (due.due) {
      return this.#refresh(
        streamer,
        trigger,
        { key: 'campaigns.readiness.detail.token_due', values: {} },
        false
      )
    }

    const accessToken = streamer.accessToken
    if (!accessToken) {
      return this.#refresh(
        streamer,
        trigger,
        { key: 'campaigns.readiness.detail.no_token', values: {} },
        true
      )
    }
    const checkedCiphertext = streamer.accessTokenEncrypted
    try {
      const validation = await this.oauth.validate(accessToken)
      if (validation === null) {
        return this.#refresh(
          streamer,
          trigger,
          { key: 'campaigns.readiness.detail.token_refused', values: {} },
          true
        )
      }
      await this.#recordTwitchExpiry(streamer, checkedCiphertext, validation.expiresIn, now)
      return health(streamer, 'ready', [
        { key: 'campaigns.readiness.detail.valid_for', values: timeLeft(streamer, now) },
      ])
    } catch (error) {
      if (!(error instanceof TwitchError)) throw error
      // Twitch unreachable: the token had time left by our records, so it is usable.
      return {
        ...health(streamer, 'ready', [
          { key: 'campaigns.readiness.detail.not_validated', values: timeLeft(streamer, now) },
        ]),
        retryable: true,
      }
    }
  }

  /**
   * `tokenRejected`: the current token is known to be unusable (missing or
   * refused by Twitch), so a failed refresh leaves nothing to poll with.
   */
  async #refresh(
    streamer: Streamer,
    trigger: RefreshTrigger,
    why: Message,
    tokenRejected: boolean
  ): Promise<StreamerHealth> {
    const outcome = await this.refresher.refreshStreamer(streamer, { force: true, trigger })
    if (outcome.status === 'refreshed') {
      return {
        ...health(streamer, 'refreshed', [
          why,
          { key: 'campaigns.readiness.detail.renewed', values: {} },
        ]),
        refresh: outcome,
      }
    }
    if (outcome.status === 'failed' && outcome.kind === 'transient') {
      const now = this.clock.now()
      const usable = !tokenRejected && !streamer.isTokenExpired(now)
      return {
        ...health(streamer, usable ? 'ready' : 'needs_reconnect', [
          why,
          { key: 'campaigns.readiness.detail.renewal_unreachable', values: {} },
        ]),
        retryable: true,
        refresh: outcome,
      }
    }
    return {
      ...health(streamer, 'needs_reconnect', [
        why,
        { key: 'campaigns.readiness.detail.renewal_refused', values: {} },
      ]),
      refresh: outcome,
    }
  }

  /**
   * Twitch's own count wins when ours is missing or off by more than 5
   * minutes — written only if the token checked is still the stored one.
   */
  async #recordTwitchExpiry(
    streamer: Streamer,
    checkedCiphertext: string | null,
    expiresIn: number,
    now: DateTime
  ) {
    const twitchExpiry = now.plus({ seconds: expiresIn })
    const drift = streamer.tokenExpiresAt
      ? Math.abs(streamer.tokenExpiresAt.toMillis() - twitchExpiry.toMillis())
      : Number.POSITIVE_INFINITY
    if (drift <= 5 * 60_000 || checkedCiphertext === null) return
    const updated = await db
      .from('streamers')
      .where('id', streamer.id)
      .where('access_token_encrypted', checkedCiphertext)
      .update({ token_expires_at: twitchExpiry.toJSDate() })
    if (Number(updated) > 0) {
      streamer.tokenExpiresAt = twitchExpiry
      streamer.$original.tokenExpiresAt = twitchExpiry
      logger.debug(
        { streamerId: streamer.id },
        '[TokenRefresh] token expiry corrected by /validate'
      )
    }
  }
}

/** How long the stored token has left by Chorus's records, in whole hours and minutes. */
function timeLeft(streamer: Streamer, now: DateTime): Message['values'] {
  const left = streamer.tokenExpiresAt ? streamer.tokenExpiresAt.diff(now).as('minutes') : 0
  const minutes = Math.max(0, Math.floor(left))
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 }
}

function health(
  streamer: Streamer,
  status: StreamerHealthStatus,
  detail: Message[]
): StreamerHealth {
  return {
    streamerId: streamer.id,
    streamer,
    status,
    detail,
    retryable: false,
    tokenExpiresAt: streamer.tokenExpiresAt,
    refresh: null,
  }
}
