import { Duration } from 'luxon'
import { inject } from '@adonisjs/core'
import type CampaignMembership from '#models/campaign_membership'
import { Clock } from '#services/clock'
import { StreamerRefresher } from '#services/tokens/streamer_refresher'
import { CampaignPolicy } from '#policies/campaign_policy'
import { CampaignActionRefused } from '#services/domain_errors'
import { isAuthorizationActive } from '#services/campaigns/channel_state'
import { CampaignNotifier } from '#services/campaigns/campaign_notifier'
import { SubscriptionReconciler } from '#services/eventsub/subscription_reconciler'

/** How long a grant lets the GM run polls on the streamer's channel. */
const POLL_AUTHORIZATION_DURATION = Duration.fromObject({ hours: 12 })

/**
 * The streamer's 12-hour poll authorization for one campaign.
 */
@inject()
export class PollAuthorizationService {
  constructor(
    private clock: Clock,
    private refreshService: StreamerRefresher,
    private notifier: CampaignNotifier,
    private subscriptions: SubscriptionReconciler
  ) {}

  /**
   * Grants the authorization for 12 hours from now. The token is refreshed
   * first (docs/token-policy.md), so the session starts with a full-length
   * token; if Twitch refuses the refresh the grant is refused and the
   * streamer is asked to reconnect. Granting again restarts the 12 hours.
   * A refusal leaves a running authorization as it was, and says so.
   */
  async grant(membership: CampaignMembership) {
    if (!CampaignPolicy.canActAsMember(membership)) {
      throw new CampaignActionRefused('campaigns.refused.accept_first')
    }
    if (!membership.streamer) await membership.load('streamer')
    const streamer = membership.streamer
    const running = isAuthorizationActive(membership, this.clock.now())
    if (!streamer.isActive) {
      throw new CampaignActionRefused(
        running ? 'campaigns.refused.disconnected_running' : 'campaigns.refused.disconnected',
        {},
        { reconnect: true }
      )
    }

    const outcome = await this.refreshService.refreshStreamer(streamer, {
      force: true,
      trigger: 'grant',
    })
    if (outcome.status === 'failed' && outcome.kind === 'permanent') {
      throw new CampaignActionRefused(
        running ? 'campaigns.refused.token_refused_running' : 'campaigns.refused.token_refused',
        {},
        { reconnect: true }
      )
    }
    if (outcome.status !== 'refreshed') {
      throw new CampaignActionRefused(
        running ? 'campaigns.refused.renew_unreachable' : 'campaigns.refused.grant_unreachable'
      )
    }

    const grantedAt = this.clock.now()
    membership.pollAuthorizationGrantedAt = grantedAt
    membership.pollAuthorizationExpiresAt = grantedAt.plus(POLL_AUTHORIZATION_DURATION)
    await membership.save()
    // "Your authorization ends soon" is answered.
    await this.notifier.settle(membership.id, 'authorization')
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
    await this.notifier.settle(membership.id, 'authorization')
    if (!membership.streamer) await membership.load('streamer')
    // No authorization left anywhere: its subscriptions go (in the background).
    void this.subscriptions.reconcileStreamer(membership.streamer.twitchUserId)
    return membership
  }
}
