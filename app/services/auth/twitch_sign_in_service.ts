import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Streamer from '#models/streamer'
import type { TwitchUser } from '#services/twitch/twitch_helix_client'
import type { TwitchAllyToken } from '#services/twitch/twitch_ally_driver'
import { inject } from '@adonisjs/core'
import { claimCampaignInvitations } from '#services/campaigns/invitation_claims'
import { StreamerLock } from '#services/tokens/streamer_lock'
import { NotificationService } from '#services/notifications/notification_service'
import { TwitchHelixClient } from '#services/twitch/twitch_helix_client'
import { DEFAULT_LOCALE, type Locale } from '#services/i18n/locales'
import { supportedLocaleOf } from '#services/i18n/translator'
import logger from '@adonisjs/core/services/logger'
import { errorMessage } from '#services/error_message'
import { Clock } from '#services/clock'

/**
 * The languages a first sign-in starts with (docs/languages.md): the
 * person's interface language from their browser, their viewers' from the
 * channel's language on Twitch. Later sign-ins keep what was chosen since.
 */
interface FirstLocales {
  interfaceLocale: Locale
  audienceLocale: Locale
}

/**
 * Turns a completed Twitch sign-in into our users + streamers rows.
 */
@inject()
export class TwitchSignInService {
  constructor(
    private streamerLock: StreamerLock,
    private notifications: NotificationService,
    private helix: TwitchHelixClient,
    private clock: Clock
  ) {}

  /**
   * Creates or updates the account in one transaction. A new sign-in is a
   * fresh grant from the streamer, so it re-activates a deactivated streamer
   * and clears any pending refresh failure.
   *
   * A known streamer's tokens are written under the same lock as refreshes:
   * a refresh in flight with the old (possibly dead) refresh token must not
   * land after this write and undo it, or count its failure against the
   * fresh grant.
   */
  async signIn(
    twitchUser: TwitchUser,
    token: TwitchAllyToken,
    browserLocale: Locale = DEFAULT_LOCALE
  ) {
    const now = this.clock.now()
    const known = await Streamer.findBy('twitch_user_id', twitchUser.id)
    if (!known) {
      return this.save(twitchUser, token, now, {
        interfaceLocale: browserLocale,
        audienceLocale: await this.channelLocale(twitchUser.id, token.token),
      })
    }
    const locked = await this.streamerLock.run(known.id, () => this.save(twitchUser, token, now))
    // A refresh stuck past the lock's wait: the sign-in still wins, it is the newer grant.
    const saved = locked.acquired ? locked.value : await this.save(twitchUser, token, now)
    // Connected again: "reconnect your Twitch account" is settled.
    await this.notifications.resolveReconnected(saved.streamer.id)
    return saved
  }

  /**
   * The channel's Twitch language when Chorus speaks it, else English. A
   * Twitch failure here never fails the sign-in: the streamer can pick the
   * language on their dashboard.
   */
  private async channelLocale(twitchUserId: string, accessToken: string): Promise<Locale> {
    try {
      const language = await this.helix.getBroadcasterLanguage(accessToken, twitchUserId)
      return supportedLocaleOf(language) ?? DEFAULT_LOCALE
    } catch (error) {
      logger.warn(
        { twitchUserId, error: errorMessage(error) },
        '[Sign-in] could not read the channel language; English for now'
      )
      return DEFAULT_LOCALE
    }
  }

  private async save(
    twitchUser: TwitchUser,
    token: TwitchAllyToken,
    now: DateTime,
    first?: FirstLocales
  ) {
    return db.transaction(async (trx) => {
      let streamer = await Streamer.query({ client: trx })
        .where('twitch_user_id', twitchUser.id)
        .forUpdate()
        .first()

      const user = streamer
        ? await User.findOrFail(streamer.userId, { client: trx })
        : new User().useTransaction(trx)
      const isNew = !streamer
      user.displayName = twitchUser.displayName
      user.email = twitchUser.email ?? user.email ?? null
      if (isNew && first) user.locale = first.interfaceLocale
      await user.save()

      streamer = streamer ?? new Streamer().useTransaction(trx)
      if (isNew && first) streamer.audienceLocale = first.audienceLocale
      streamer.merge({
        userId: user.id,
        twitchUserId: twitchUser.id,
        twitchLogin: twitchUser.login,
        twitchDisplayName: twitchUser.displayName,
        broadcasterType: twitchUser.broadcasterType,
        profileImageUrl: twitchUser.profileImageUrl,
        scopes: token.scopes,
        isActive: true,
        tokenExpiresAt: token.expiresIn ? now.plus({ seconds: token.expiresIn }) : null,
        lastTokenRefreshAt: now,
        tokenRefreshFailedAt: null,
      })
      streamer.setTokens({ accessToken: token.token, refreshToken: token.refreshToken })
      await streamer.save()

      // Invitations sent before this account first signed in become pending memberships.
      await claimCampaignInvitations(streamer, trx, now)

      return { user, streamer }
    })
  }
}
