import { Duration } from 'luxon'
import { inject } from '@adonisjs/core'
import type CampaignMembership from '#models/campaign_membership'
import { Clock } from '#services/clock'
import { TokenRefreshService } from '#services/tokens/token_refresh_service'
import { CampaignPolicy } from '#policies/campaign_policy'
import { CampaignActionException } from '#exceptions/campaign_action_exception'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'

/** How long a grant lets the GM run polls on the streamer's channel (SPEC §1). */
export const POLL_AUTHORIZATION_DURATION = Duration.fromObject({ hours: 12 })

export const RECONNECT_MESSAGE =
  'Twitch refused to renew your authorization, so Chorus cannot run polls on your channel. ' +
  'Reconnect your Twitch account, then grant the authorization again.'

/**
 * The streamer's 12-hour poll authorization for one campaign.
 */
@inject()
export class PollAuthorizationService {
  constructor(
    private clock: Clock,
    private refreshService: TokenRefreshService,
    private subscriptions: SubscriptionReconciler
  ) {}

  /**
   * Grants the authorization for 12 hours from now. The token is refreshed
   * first (SPEC §5.7), so the session starts with a full-length token; if
   * Twitch refuses the refresh the grant is refused and the streamer is asked
   * to reconnect. Granting again restarts the 12 hours.
   */
  async grant(membership: CampaignMembership) {
    const back = { redirectTo: `/campaigns/${membership.campaignId}` }
    if (!CampaignPolicy.canActAsMember(membership)) {
      throw new CampaignActionException(
        'Accept the invitation before granting the poll authorization.',
        back
      )
    }
    if (!membership.streamer) await membership.load('streamer')
    const streamer = membership.streamer
    if (!streamer.isActive) {
      throw new CampaignActionException(RECONNECT_MESSAGE, { ...back, reconnect: true })
    }

    const outcome = await this.refreshService.refreshStreamer(streamer, {
      force: true,
      trigger: 'grant',
    })
    if (outcome.status === 'failed' && outcome.kind === 'permanent') {
      throw new CampaignActionException(RECONNECT_MESSAGE, { ...back, reconnect: true })
    }
    if (outcome.status !== 'refreshed') {
      throw new CampaignActionException(
        'Twitch is not answering right now, so the authorization could not be granted. ' +
          'Please try again in a minute.',
        back
      )
    }

    const grantedAt = this.clock.now()
    membership.pollAuthorizationGrantedAt = grantedAt
    membership.pollAuthorizationExpiresAt = grantedAt.plus(POLL_AUTHORIZATION_DURATION)
    await membership.save()
    // Twitch events for this channel from now on (in the background: a
    // failure leaves the channel read from Helix, it never refuses the grant).
    void this.subscriptions.reconcileStreamer(streamer.twitchUserId)
    return membership
  }

  /**
   * Ends the authorization now: no more polls on this channel for the campaign.
   */
  async revoke(membership: CampaignMembership) {
    membership.pollAuthorizationGrantedAt = null
    membership.pollAuthorizationExpiresAt = null
    await membership.save()
    if (!membership.streamer) await membership.load('streamer')
    // No authorization left anywhere: its subscriptions go (in the background).
    void this.subscriptions.reconcileStreamer(membership.streamer.twitchUserId)
    return membership
  }
}
