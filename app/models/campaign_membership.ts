import type { DateTime } from 'luxon'
import { belongsTo, column, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Campaign from '#models/campaign'
import Streamer from '#models/streamer'
import { CampaignMembershipSchema } from '#database/schema'
import { POLL_BROADCASTER_TYPES, POLL_SCOPE } from '#services/campaigns/channel_state'
import { CHAT_VOTING_SCOPES } from '#services/chat_votes/chat_scopes'

export type MembershipStatus = 'pending' | 'active'

/**
 * A streamer's place in a campaign: invited (pending), then accepted
 * (active); while active the streamer may grant a 12-hour poll authorization.
 */
export default class CampaignMembership extends CampaignMembershipSchema {
  @column()
  declare status: MembershipStatus

  @belongsTo(() => Campaign)
  declare campaign: BelongsTo<typeof Campaign>

  @belongsTo(() => Streamer)
  declare streamer: BelongsTo<typeof Streamer>

  /**
   * The SQL of `isAuthorizationActive` (app/services/campaigns/channel_state.ts):
   * accepted, and the 12 hours still run at `now`.
   */
  static authorizationActive = scope((query, now: DateTime) => {
    whereAuthorizationActive(query, now)
  })

  /**
   * The SQL of a channel state that is `ready` (docs/architecture.md, "A
   * channel's state"): authorization active, the streamer not deactivated,
   * and the channel can vote — a Twitch poll (affiliate or partner with the
   * poll permission) or, with Twitch events on (`chatVoting`), in chat.
   */
  static readyForPolls = scope((query, now: DateTime, chatVoting: boolean) => {
    whereAuthorizationActive(query, now).whereExists((streamers) => {
      streamers
        .from('streamers')
        .whereColumn('streamers.id', 'campaign_memberships.streamer_id')
        .where('streamers.is_active', true)
        .where((voting) => {
          voting
            .whereIn('streamers.broadcaster_type', POLL_BROADCASTER_TYPES)
            .whereRaw('streamers.scopes @> ?::jsonb', [JSON.stringify([POLL_SCOPE])])
          if (chatVoting) {
            voting.orWhereRaw('streamers.scopes @> ?::jsonb', [JSON.stringify(CHAT_VOTING_SCOPES)])
          }
        })
    })
  })
}

/** Any query over `campaign_memberships` (a model query or a subquery). */
interface MembershipWheres {
  where(column: string, operator: string, value: string | number | boolean): this
}

/** The one SQL of an active authorization, for the scopes here and Streamer's. */
export function whereAuthorizationActive<Query extends MembershipWheres>(
  query: Query,
  now: DateTime
): Query {
  return query
    .where('campaign_memberships.status', '=', 'active')
    .where('campaign_memberships.poll_authorization_expires_at', '>', now.toSQL()!)
}
