import db from '@adonisjs/lucid/services/db'
import type Campaign from '#models/campaign'
import Poll from '#models/poll'

interface PollInput {
  title: string
  choices: string[]
  duration_seconds: number
  channel_points_per_vote?: number
}

/**
 * The GM's prepared polls of a campaign, an ordered list ("the show").
 * Positions stay 1..n: new polls go last, deleting closes the gap, moving
 * swaps with the neighbour.
 */
export class PreparedPollService {
  list(campaign: Campaign) {
    return Poll.query().where('campaign_id', campaign.id).orderBy('position').orderBy('id')
  }

  /**
   * One of the campaign's polls; another campaign's is a 404.
   */
  find(campaign: Campaign, pollId: number) {
    return Poll.query().where('campaign_id', campaign.id).where('id', pollId).firstOrFail()
  }

  async create(campaign: Campaign, input: PollInput) {
    return db.transaction(async (trx) => {
      // Lock the campaign row: two tabs adding polls at once still get distinct positions.
      await trx.from('campaigns').where('id', campaign.id).forUpdate().select('id')
      const last = await trx
        .from('polls')
        .where('campaign_id', campaign.id)
        .max('position as position')
        .first()
      return Poll.create(
        { campaignId: campaign.id, position: Number(last?.position ?? 0) + 1, ...fields(input) },
        { client: trx }
      )
    })
  }

  async update(poll: Poll, input: PollInput) {
    poll.merge(fields(input))
    await poll.save()
    return poll
  }

  async delete(poll: Poll) {
    await db.transaction(async (trx) => {
      await trx.from('campaigns').where('id', poll.campaignId).forUpdate().select('id')
      await trx.from('polls').where('id', poll.id).delete()
      await trx
        .from('polls')
        .where('campaign_id', poll.campaignId)
        .where('position', '>', poll.position)
        .decrement('position', 1)
    })
  }

  /**
   * Swaps the poll with its neighbour above or below; at either end nothing moves.
   */
  async move(poll: Poll, direction: 'up' | 'down') {
    await db.transaction(async (trx) => {
      await trx.from('campaigns').where('id', poll.campaignId).forUpdate().select('id')
      const ordered = await Poll.query({ client: trx })
        .where('campaign_id', poll.campaignId)
        .orderBy('position')
        .orderBy('id')
      const index = ordered.findIndex((candidate) => candidate.id === poll.id)
      const target = direction === 'up' ? index - 1 : index + 1
      if (index < 0 || target < 0 || target >= ordered.length) return
      ;[ordered[index], ordered[target]] = [ordered[target], ordered[index]]
      // Rewrite positions 1..n: also heals gaps left by older data.
      for (const [position, item] of ordered.entries()) {
        if (item.position !== position + 1) {
          item.position = position + 1
          await item.useTransaction(trx).save()
        }
      }
    })
  }
}

function fields(input: PollInput) {
  return {
    title: input.title,
    choices: input.choices,
    durationSeconds: input.duration_seconds,
    channelPointsPerVote: input.channel_points_per_vote ?? null,
  }
}
