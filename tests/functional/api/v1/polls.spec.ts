import { test } from '@japa/runner'
import PollRun from '#models/poll_run'
import { UserFactory } from '#database/factories/user_factory'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import { apiLaunch, apiTestSetup, apiTokenOf, errorFields } from '#tests/helpers/api'
import { campaignWithChannels, helixCount, SEEDED } from '#tests/helpers/polls'

const QUESTION = {
  title: 'Open the sealed door?',
  choices: ['Yes', 'No', 'Knock first'],
  duration: 90,
}

/**
 * `POST /api/v1/campaigns/:id/polls`: the pages' launch, reached with a token.
 */
test.group('API v1: launch a poll', (group) => {
  apiTestSetup(group)

  test('launches on every ready channel and says what became of each one', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram, SEEDED.pat])
    const token = await apiTokenOf(gm)

    const response = await apiLaunch(client, campaign.id, token).json(QUESTION)

    response.assertStatus(201)
    const run = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
    response.assertBodyContains({ run_id: run.id, status: 'live', title: QUESTION.title })
    const channels = response.body().channels
    assert.deepInclude(channels, {
      twitch_login: 'bram_rolls',
      status: 'live',
      voting: 'twitch',
      reason: null,
    })
    assert.deepInclude(channels, {
      twitch_login: 'plain_pat',
      status: 'left_out',
      voting: null,
      reason: 'Not an affiliate or partner',
    })

    // Really on Twitch, for the asked duration, launched by the token's user, no prepared poll.
    const [twitchPoll] = twitchEmulator.state.listPolls(SEEDED.bram.id)
    assert.equal(twitchPoll.title, QUESTION.title)
    assert.deepEqual(
      twitchPoll.choices.map((choice) => choice.title),
      QUESTION.choices
    )
    assert.equal(twitchPoll.duration, 90)
    assert.equal(run.status, 'running')
    assert.equal(run.launchedById, gm.id)
    assert.isNull(run.pollId)
  })

  test('"voting": "chat" is the launch form\'s "vote in chat everywhere"', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const token = await apiTokenOf(gm)

    const response = await apiLaunch(client, campaign.id, token).json({
      ...QUESTION,
      voting: 'chat',
    })

    response.assertStatus(201)
    const run = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
    assert.equal(run.votingMode, 'chat')
    // Chat voting needs Twitch events, off here: the affiliate keeps its Twitch poll.
    assert.deepInclude(response.body().channels, {
      twitch_login: 'bram_rolls',
      status: 'live',
      voting: 'twitch',
      reason: null,
    })
  })

  test('the same Idempotency-Key returns the same run and launches nothing twice', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const token = await apiTokenOf(gm)
    const key = '6f1c1a52-3d4e-4bb9-9a61-0b7f0c0f5d10'

    const first = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', key)
      .json(QUESTION)
    const again = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', key)
      .json(QUESTION)

    first.assertStatus(201)
    again.assertStatus(201)
    assert.equal(again.body().run_id, first.body().run_id)
    assert.equal(again.header('idempotent-replayed'), 'true')
    assert.isUndefined(first.header('idempotent-replayed'))
    assert.equal(helixCount('polls.create'), 1)
    assert.lengthOf(await PollRun.query().where('campaign_id', campaign.id), 1)
  })

  test('409 while a run is live in the campaign; the same key in another campaign is a 409 too', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const token = await apiTokenOf(gm)
    const first = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'key-one')
      .json(QUESTION)
    first.assertStatus(201)

    const second = await apiLaunch(client, campaign.id, token).json({
      ...QUESTION,
      title: 'Another one?',
    })
    second.assertStatus(409)
    assert.equal(
      second.body().errors[0].message,
      `"${QUESTION.title}" (run ${first.body().run_id}) is still running in this campaign: end it before launching another poll.`
    )
    assert.equal(helixCount('polls.create'), 1)

    const { campaign: other } = await campaignWithChannels([SEEDED.cass])
    await other.merge({ ownerId: gm.id }).save()
    const reused = await apiLaunch(client, other.id, token)
      .header('Idempotency-Key', 'key-one')
      .json(QUESTION)
    reused.assertStatus(409)
    assert.equal(reused.body().errors[0].field, 'idempotency_key')
  })

  test("422 with the pages' messages, by field, and nothing launched", async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.bram])
    const token = await apiTokenOf(gm)

    const response = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'bad key with spaces')
      .json({ title: '', choices: ['Only one'], duration: 5, voting: 'sometimes' })

    response.assertStatus(422)
    const fields = errorFields(response.body())
    assert.deepEqual(fields, {
      title: 'Give the poll a question.',
      choices: 'Give the poll at least 2 choices.',
      duration: 'A poll runs at least 15 seconds on Twitch.',
      voting: 'voting is "auto" or "chat".',
    })

    const longChoice = await apiLaunch(client, campaign.id, token).json({
      ...QUESTION,
      choices: ['Yes', 'x'.repeat(26)],
      duration: 12.5,
    })
    longChoice.assertStatus(422)
    assert.deepEqual(errorFields(longChoice.body()), {
      'choices.1': 'Twitch allows at most 25 characters per choice.',
      'duration': 'The duration is a whole number of seconds.',
    })

    const nul = await apiLaunch(client, campaign.id, token).json({
      ...QUESTION,
      title: 'Open\u0000it?',
      choices: ['Yes', 'N\u0000o'],
    })
    nul.assertStatus(422)
    assert.deepEqual(nul.body().errors, [
      {
        message:
          'The field "title" contains a NUL character (\\0). Remove it and send the form again.',
        field: 'title',
      },
    ])

    const badKey = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'bad key with spaces')
      .json(QUESTION)
    badKey.assertStatus(422)
    assert.equal(badKey.body().errors[0].field, 'idempotency_key')

    assert.equal(helixCount('polls.create'), 0)
    assert.lengthOf(await PollRun.query().where('campaign_id', campaign.id), 0)
  })

  test("422 when no channel can run the poll, with each channel's reason", async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.pat])
    const token = await apiTokenOf(gm)

    const response = await apiLaunch(client, campaign.id, token).json(QUESTION)

    response.assertStatus(422)
    assert.equal(
      response.body().errors[0].message,
      'No channel can run this poll (plain_pat: Not an affiliate or partner).'
    )
    assert.equal(helixCount('polls.create'), 0)
  })

  test("a member's token gets a 403, a stranger's a 404, and nothing is launched", async ({
    client,
    assert,
  }) => {
    const { campaign, streamers } = await campaignWithChannels([SEEDED.bram])

    const member = await apiLaunch(
      client,
      campaign.id,
      await apiTokenOf(streamers.bram_rolls.user)
    ).json(QUESTION)
    member.assertStatus(403)

    const stranger = await apiLaunch(
      client,
      campaign.id,
      await apiTokenOf(await UserFactory.create())
    ).json(QUESTION)
    stranger.assertStatus(404)

    const missing = await apiLaunch(
      client,
      987654,
      await apiTokenOf(await UserFactory.create())
    ).json(QUESTION)
    missing.assertStatus(404)

    assert.equal(helixCount('polls.create'), 0)
    assert.lengthOf(await PollRun.all(), 0)
  })
})
