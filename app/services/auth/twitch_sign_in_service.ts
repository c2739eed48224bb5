import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Streamer from '#models/streamer'
import type { TwitchUser } from '#services/twitch/twitch_helix_client'
import type { TwitchAllyToken } from '#services/twitch/twitch_ally_driver'
import { inject } from '@adonisjs/core'
import { claimCampaignInvitations } from '#services/campaigns/invitation_claims'
import { StreamerLock } from '#services/tokens/streamer_lock'
import { NotificationService } from '#services/notifications/notification_service'

/**
 * Turns a completed Twitch sign-in into our users + streamers rows.
 */
@inject()
export class TwitchSignInService {
  constructor(
    private streamerLock: StreamerLock,
    private notifications: NotificationService
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
  async signIn(twitchUser: TwitchUser, token: TwitchAllyToken, now: DateTime = DateTime.now()) {
    const known = await Streamer.findBy('twitch_user_id', twitchUser.id)
    if (!known) {
      return this.save(twitchUser, token, now)
    }
    const locked = await this.streamerLock.run(known.id, () => this.save(twitchUser, token, now))
    // A refresh stuck past the lock's wait: the sign-in still wins, it is the newer grant.
    const saved = locked.acquired ? locked.value : await this.save(twitchUser, token, now)
    // Connected again: "reconnect your Twitch account" is settled.
    await this.notifications.resolveReconnected(saved.streamer.id)
    return saved
  }

  private async save(twitchUser: TwitchUser, token: TwitchAllyToken, now: DateTime) {
    return db.transaction(async (trx) => {
      let streamer = await Streamer.query({ client: trx })
        .where('twitch_user_id', twitchUser.id)
        .forUpdate()
        .first()

      const user = streamer
        ? await User.findOrFail(streamer.userId, { client: trx })
        : new User().useTransaction(trx)
      user.displayName = twitchUser.displayName
      user.email = twitchUser.email ?? user.email ?? null
      await user.save()

      streamer = streamer ?? new Streamer().useTransaction(trx)
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
