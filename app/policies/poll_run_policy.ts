import db from '@adonisjs/lucid/services/db'
import { Exception } from '@adonisjs/core/exceptions'
import type User from '#models/user'
import PollRun from '#models/poll_run'
import { findManagedCampaign } from '#policies/campaign_policy'

/**
 * A poll run by its own id (the JSON API's `/runs/:id`), under the rules of
 * its campaign (app/policies/campaign_policy.ts): its GM gets it, a member
 * of the campaign a 403, anybody else a 404. The lookup itself only sees
 * the runs of campaigns the user owns or is a member of.
 */
export async function findManagedRun(user: User, runId: number) {
  const run = await PollRun.query()
    .where('id', runId)
    .where((visible) => {
      visible
        .whereIn('campaign_id', db.from('campaigns').select('id').where('owner_id', user.id))
        .orWhereIn(
          'campaign_id',
          db
            .from('campaign_memberships')
            .join('streamers', 'streamers.id', 'campaign_memberships.streamer_id')
            .where('streamers.user_id', user.id)
            .select('campaign_memberships.campaign_id')
        )
    })
    .first()
  if (!run) throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
  const campaign = await findManagedCampaign(user, run.campaignId)
  return { campaign, run }
}
