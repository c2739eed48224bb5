import { test } from '@japa/runner'
import Poll from '#models/poll'
import { UserFactory } from '#database/factories/user_factory'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { pollTestSetup, preparedPoll } from '#tests/helpers/polls'
import { assertInputError } from '#tests/helpers/validation'

const VALID = {
  'title': 'Does the party trust the innkeeper?',
  'choices[]': ['Yes', 'No'],
  'duration_seconds': '90',
}

/**
 * The GM's prepared polls: create, edit, reorder, delete, and Twitch's rules
 * checked with messages a GM understands.
 */
test.group('Polls: prepared polls of a campaign', (group) => {
  pollTestSetup(group)

  test('the GM adds polls; they line up in order on the polls page', async ({ client, assert }) => {
    const campaign = await CampaignFactory.with('owner').create()
    for (const title of ['First question', 'Second question']) {
      const response = await client
        .post(`/campaigns/${campaign.id}/polls`)
        .loginAs(campaign.owner)
        .withCsrfToken()
        .form({ ...VALID, 'title': `  ${title}  `, 'choices[]': ['Left', ' Right ', '', ''] })
        .redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', `/campaigns/${campaign.id}/polls`)
      response.assertFlashMessage('success', `Poll "${title}" added to the show.`)
    }

    const polls = await Poll.query().where('campaign_id', campaign.id).orderBy('position')
    assert.deepEqual(
      polls.map((poll) => [poll.position, poll.title, poll.choices, poll.durationSeconds]),
      [
        [1, 'First question', ['Left', 'Right'], 90],
        [2, 'Second question', ['Left', 'Right'], 90],
      ]
    )
    assert.isNull(polls[0].channelPointsPerVote)

    const page = await client.get(`/campaigns/${campaign.id}/polls`).loginAs(campaign.owner)
    page.assertStatus(200)
    assert.isBelow(page.text().indexOf('First question'), page.text().indexOf('Second question'))
    page.assertTextIncludes('name="idempotency_key"')
  })

  test('channel points per vote is kept when given', async ({ client, assert }) => {
    const campaign = await CampaignFactory.with('owner').create()
    await client
      .post(`/campaigns/${campaign.id}/polls`)
      .loginAs(campaign.owner)
      .withCsrfToken()
      .form({ ...VALID, channel_points_per_vote: '250' })
      .redirects(0)
    const poll = await Poll.findByOrFail('campaign_id', campaign.id)
    assert.equal(poll.channelPointsPerVote, 250)
  })

  test('the GM edits a poll', async ({ client, assert }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const poll = await preparedPoll(campaign)

    const form = await client
      .get(`/campaigns/${campaign.id}/polls/${poll.id}/edit`)
      .loginAs(campaign.owner)
    form.assertStatus(200)
    form.assertTextIncludes('value="Does the party trust the innkeeper?"')

    const response = await client
      .put(`/campaigns/${campaign.id}/polls/${poll.id}`)
      .loginAs(campaign.owner)
      .withCsrfToken()
      .form({
        'title': 'Open the door?',
        'choices[]': ['Yes', 'No', 'Knock first'],
        'duration_seconds': '300',
      })
      .redirects(0)
    response.assertStatus(302)
    await poll.refresh()
    assert.equal(poll.title, 'Open the door?')
    assert.deepEqual(poll.choices, ['Yes', 'No', 'Knock first'])
    assert.equal(poll.durationSeconds, 300)
  })

  test('move up and down swap neighbours; the ends do not move', async ({ client, assert }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const a = await preparedPoll(campaign, { title: 'A' })
    const b = await preparedPoll(campaign, { title: 'B' })
    const c = await preparedPoll(campaign, { title: 'C' })
    const ordered = () => Poll.query().where('campaign_id', campaign.id).orderBy('position')
    const order = async () => {
      const polls = await ordered()
      return polls.map((p) => p.title)
    }

    const move = (pollId: number, direction: string) =>
      client
        .post(`/campaigns/${campaign.id}/polls/${pollId}/move`)
        .loginAs(campaign.owner)
        .withCsrfToken()
        .form({ direction })
        .redirects(0)

    const moved = await move(c.id, 'up')
    moved.assertStatus(302)
    assert.deepEqual(await order(), ['A', 'C', 'B'])
    await move(a.id, 'down')
    assert.deepEqual(await order(), ['C', 'A', 'B'])
    await move(c.id, 'up')
    await move(b.id, 'down')
    assert.deepEqual(await order(), ['C', 'A', 'B'])
    const polls = await ordered()
    assert.deepEqual(
      polls.map((p) => p.position),
      [1, 2, 3]
    )

    const wrong = await move(b.id, 'sideways')
    wrong.assertStatus(302)
    assert.deepEqual(await order(), ['C', 'A', 'B'])
  })

  test('deleting a poll closes the gap in the order', async ({ client, assert }) => {
    const campaign = await CampaignFactory.with('owner').create()
    await preparedPoll(campaign, { title: 'A' })
    const b = await preparedPoll(campaign, { title: 'B' })
    await preparedPoll(campaign, { title: 'C' })

    const response = await client
      .delete(`/campaigns/${campaign.id}/polls/${b.id}`)
      .loginAs(campaign.owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    response.assertFlashMessage('success', 'Poll "B" deleted.')
    const left = await Poll.query().where('campaign_id', campaign.id).orderBy('position')
    assert.deepEqual(
      left.map((poll) => [poll.title, poll.position]),
      [
        ['A', 1],
        ['C', 2],
      ]
    )
  })

  test('Twitch rules are checked with clear messages: {label}')
    .with([
      {
        label: '61-character title',
        form: { ...VALID, title: 'x'.repeat(61) },
        field: 'title',
        message: 'Twitch allows at most 60 characters in a poll title.',
      },
      {
        label: 'one choice',
        form: { ...VALID, 'choices[]': ['Only one', '', ''] },
        field: 'choices',
        message: 'Give the poll at least 2 choices.',
      },
      {
        label: 'six choices',
        form: { ...VALID, 'choices[]': ['1', '2', '3', '4', '5', '6'] },
        field: 'choices',
        message: 'Twitch allows at most 5 choices.',
      },
      {
        label: 'duration 10 s',
        form: { ...VALID, duration_seconds: '10' },
        field: 'duration_seconds',
        message: 'A poll runs at least 15 seconds on Twitch.',
      },
      {
        label: 'duration 2000 s',
        form: { ...VALID, duration_seconds: '2000' },
        field: 'duration_seconds',
        message: 'A poll runs at most 1800 seconds (30 minutes) on Twitch.',
      },
      {
        label: '26-character choice',
        form: { ...VALID, 'choices[]': ['Yes', 'y'.repeat(26)] },
        field: 'choices.1',
        message: 'Twitch allows at most 25 characters per choice.',
      },
      {
        label: 'no title',
        form: { ...VALID, title: '   ' },
        field: 'title',
        message: 'Give the poll a question.',
      },
    ])
    .run(async ({ client, assert }, row) => {
      const campaign = await CampaignFactory.with('owner').create()
      const response = await client
        .post(`/campaigns/${campaign.id}/polls`)
        .loginAs(campaign.owner)
        .withCsrfToken()
        .header('referer', `/campaigns/${campaign.id}/polls`)
        .form(row.form)
        .redirects(0)

      response.assertStatus(302)
      response.assertHeader('location', `/campaigns/${campaign.id}/polls`)
      assertInputError(response, row.field, row.message)
      assert.lengthOf(await Poll.all(), 0)
    })

  test('a JSON client gets the same messages with a 422', async ({ client }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const response = await client
      .post(`/campaigns/${campaign.id}/polls`)
      .loginAs(campaign.owner)
      .withCsrfToken()
      .accept('json')
      .json({ title: 'x'.repeat(61), choices: ['A'], duration_seconds: 2000 })
    response.assertStatus(422)
    response.assertBodyContains({
      errors: [
        { field: 'title', message: 'Twitch allows at most 60 characters in a poll title.' },
        { field: 'choices', message: 'Give the poll at least 2 choices.' },
        {
          field: 'duration_seconds',
          message: 'A poll runs at most 1800 seconds (30 minutes) on Twitch.',
        },
      ],
    })
  })

  test('the form shows the messages after a refusal', async ({ client }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const response = await client
      .get(`/campaigns/${campaign.id}/polls`)
      .loginAs(campaign.owner)
      .withSession({})
      .withFlashMessages({
        inputErrorsBag: {
          title: ['Twitch allows at most 60 characters in a poll title.'],
          choices: ['Twitch allows at most 5 choices.'],
        },
      })
    response.assertStatus(200)
    response.assertTextIncludes('Twitch allows at most 60 characters in a poll title.')
    response.assertTextIncludes('Twitch allows at most 5 choices.')
  })

  test('another GM gets a 404 on every polls route; a member gets a 403', async ({
    client,
    assert,
  }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const poll = await preparedPoll(campaign)
    const otherGm = await UserFactory.create()
    await CampaignFactory.merge({ ownerId: otherGm.id }).create()
    const member = await StreamerFactory.with('user').create()
    await CampaignMembershipFactory.merge({
      campaignId: campaign.id,
      streamerId: member.id,
    }).create()

    const base = `/campaigns/${campaign.id}/polls`
    for (const [user, status] of [
      [otherGm, 404],
      [member.user, 403],
    ] as const) {
      const list = await client.get(base).loginAs(user)
      list.assertStatus(status)
      const edit = await client.get(`${base}/${poll.id}/edit`).loginAs(user)
      edit.assertStatus(status)
      const created = await client.post(base).loginAs(user).withCsrfToken().form(VALID).redirects(0)
      created.assertStatus(status)
      const updated = await client
        .put(`${base}/${poll.id}`)
        .loginAs(user)
        .withCsrfToken()
        .form({ ...VALID, title: 'Hijacked' })
        .redirects(0)
      updated.assertStatus(status)
      const moved = await client
        .post(`${base}/${poll.id}/move`)
        .loginAs(user)
        .withCsrfToken()
        .form({ direction: 'down' })
        .redirects(0)
      moved.assertStatus(status)
      const deleted = await client
        .delete(`${base}/${poll.id}`)
        .loginAs(user)
        .withCsrfToken()
        .redirects(0)
      deleted.assertStatus(status)
    }
    await poll.refresh()
    assert.equal(poll.title, 'Does the party trust the innkeeper?')
    assert.lengthOf(await Poll.all(), 1)
  })

  test('a poll of another campaign is a 404, even for a GM', async ({ client }) => {
    const campaign = await CampaignFactory.with('owner').create()
    const other = await CampaignFactory.merge({ ownerId: campaign.ownerId }).create()
    const foreign = await preparedPoll(other)
    const response = await client
      .get(`/campaigns/${campaign.id}/polls/${foreign.id}/edit`)
      .loginAs(campaign.owner)
    response.assertStatus(404)
  })
})
