import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import type User from '#models/user'
import { Clock } from '#services/clock'
import { CampaignService } from '#services/campaigns/campaign_service'
import { ChannelStateService } from '#services/campaigns/channel_state'
import { NotificationInbox } from '#services/inbox/notification_inbox'
import { OverlayService } from '#services/overlays/overlay_service'

/**
 * The signed-in user's home: profile and Twitch connection, campaigns as GM
 * and as streamer, invitations to answer, notifications.
 */
@inject()
export default class DashboardController {
  constructor(
    private campaigns: CampaignService,
    private inbox: NotificationInbox,
    private clock: Clock,
    private overlays: OverlayService,
    private channelStates: ChannelStateService
  ) {}

  async show({ auth, view }: HttpContext) {
    // Typed as the model: the API guard's users also carry their current token.
    const user: User = auth.getUserOrFail()
    await user.load('streamer')
    const now = this.clock.now()
    const owned = await this.campaigns.ownedBy(user)
    const joined = await this.campaigns.membershipsOf(user, 'active')
    return view.render('pages/dashboard', {
      user,
      streamer: user.streamer,
      connection: user.streamer ? this.channelStates.connection(user.streamer) : null,
      voting: user.streamer ? this.channelStates.voting(user.streamer) : null,
      ownedCampaigns: owned.map((campaign) => ({
        campaign,
        counts: CampaignService.counts(campaign),
      })),
      memberships: joined.map((membership) => ({
        membership,
        state: this.channelStates.of(membership.streamer, membership),
      })),
      invitations: await this.campaigns.membershipsOf(user, 'pending'),
      notifications: await this.inbox.latest(user, 10),
      unreadCount: await this.inbox.unreadCount(user),
      overlayLink: user.streamer ? await this.overlays.linkFor(user.streamer) : null,
      now,
    })
  }
}
