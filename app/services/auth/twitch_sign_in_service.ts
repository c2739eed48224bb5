import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Streamer from '#models/streamer'
import type { TwitchUser } from '#services/twitch/twitch_helix_client'
import type { TwitchAllyToken } from '#services/twitch/twitch_ally_driver'
import { claimCampaignInvitations } from '#services/campaigns/invitation_claims'

/**
 * Turns a completed Twitch sign-in into our users + streamers rows.
 */
export class TwitchSignInService {
  /**
   * Creates or updates the account in one transaction. A new sign-in is a
   * fresh grant from the streamer, so it re-activates a deactivated streamer
   * and clears any pending refresh failure.
   */
  async signIn(twitchUser: TwitchUser, token: TwitchAllyToken, now: DateTime = DateTime.now()) {
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
