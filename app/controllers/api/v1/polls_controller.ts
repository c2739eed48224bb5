import { createHash, randomBytes } from 'node:crypto'
import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type User from '#models/user'
import { ApiError } from '#exceptions/api_error'
import { findManagedCampaign } from '#policies/campaign_policy'
import { Clock } from '#services/clock'
import { buildSnapshot, reasonText, type RunSnapshot } from '#services/polls/poll_snapshot'
import { translator } from '#services/i18n/translator'
import { PollLaunchService } from '#services/polls/poll_launch_service'
import { launchResource } from '#services/api/api_resources'
import { apiPollValidator, idempotencyKeyValidator } from '#validators/poll'

/**
 * `POST /api/v1/campaigns/:id/polls`: launches a question on every ready
 * channel of the campaign through the same launch as the pages
 * (docs/api.md). The campaign's GM only.
 */
@inject()
export default class PollsController {
  constructor(
    private launcher: PollLaunchService,
    private clock: Clock
  ) {}

  async store({ auth, params, request, response }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    const campaign = await findManagedCampaign(user, params.id)
    const input = await request.validateUsing(apiPollValidator)
    // `request.header()` reads an empty header as missing: look at the raw one.
    const header = request.headers()['idempotency-key'] as string | undefined
    if (header !== undefined && header.trim() === '') {
      throw new ApiError(
        'The Idempotency-Key header is empty: send 1 to 255 visible ASCII characters (a UUID is fine), or leave the header out.',
        { status: 422, field: 'idempotency_key' }
      )
    }
    const { idempotency_key: clientKey } = await idempotencyKeyValidator.validate({
      idempotency_key: header,
    })
    const question = {
      id: null,
      title: input.title,
      choices: input.choices,
      durationSeconds: input.duration,
      channelPointsPerVote: null,
    }
    const voting = input.voting ?? 'auto'
    // Refusals (a live run, a key reused with another request, a launch
    // interrupted) are domain errors: the exception handler answers them.
    const { run, created } = await this.launcher.launch(
      campaign,
      question,
      user,
      launchKey(user, clientKey),
      voting,
      requestHash(question, voting)
    )
    await run.load('channels')
    const snapshot = buildSnapshot(run, run.channels, this.clock.now().toJSDate())
    if (run.status === 'failed' && run.endReason === 'no_channel') {
      throw new ApiError(noChannelMessage(snapshot), { status: 422 })
    }
    if (!created) response.header('Idempotent-Replayed', 'true')
    response.status(201)
    return launchResource(snapshot)
  }
}

/**
 * The run's idempotency key: the client's key kept to the token's user (two
 * users sending the same key launch two polls), hashed to the column's size;
 * a launch without a key gets a key of its own.
 */
function launchKey(user: User, clientKey: string | undefined) {
  if (clientKey === undefined) return `api_${randomBytes(24).toString('base64url')}`
  const digest = createHash('sha256').update(`${user.id}\n${clientKey}`).digest('base64url')
  return `api_${digest}`
}

/**
 * What a launch asked, hashed: the same key sent again with another question
 * is refused instead of answered with the first launch.
 */
function requestHash(
  question: { title: string; choices: string[]; durationSeconds: number },
  voting: string
) {
  const asked = [question.title, question.choices, question.durationSeconds, voting]
  return createHash('sha256').update(JSON.stringify(asked)).digest('base64url')
}

function noChannelMessage(snapshot: RunSnapshot) {
  if (snapshot.leftOut.length === 0) {
    return 'Nobody streams this campaign yet: invite streamers first.'
  }
  // The API speaks English (docs/languages.md).
  const english = translator('en')
  const reasons = snapshot.leftOut.map(
    (channel) => `${channel.login}: ${reasonText(english, channel)}`
  )
  return `No channel can run this poll (${reasons.join('; ')}).`
}
