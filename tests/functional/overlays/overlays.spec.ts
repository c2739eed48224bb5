import { createHash } from 'node:crypto'
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import type Streamer from '#models/streamer'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import transmit from '@adonisjs/transmit/services/main'
import db from '@adonisjs/lucid/services/db'
import PollChannel from '#models/poll_channel'
import PollRun from '#models/poll_run'
import StreamerOverlay from '#models/streamer_overlay'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { OverlaySettings } from '#services/overlays/overlay_settings'
import { connectedStreamer, submit } from '#tests/helpers/campaigns'
import {
  campaignWithChannels,
  launchedPoll,
  launchKey,
  pollTestSetup,
  SEEDED,
} from '#tests/helpers/polls'
import {
  clearOverlayLimits,
  OverlayListener,
  overlayOf,
  overlaysSettled,
} from '#tests/helpers/overlays'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

async function statusOf(client: ApiClient, path: string) {
  const response = await client.get(path)
  return response.status()
}

/** The poll in the streamer's overlay state (null when there is none). */
async function stateOf(client: ApiClient, streamer: Streamer) {
  const { path } = await overlayOf(streamer)
  const response = await client.get(`${path}/state`)
  response.assertStatus(200)
  return response.body().poll
}

async function keyOf(streamer: Streamer) {
  const { key } = await overlayOf(streamer)
  return key
}

/** One read of the run's channels, as the results poller does. */
async function readResults(runId: number) {
  const poller = await app.container.make(PollResultsPoller)
  await poller.tick(runId)
}

const POLL_KEYS = [
  'channelCount',
  'choices',
  'endedAt',
  'endsAt',
  'id',
  'live',
  'serverNow',
  'title',
  'totalVotes',
  'totals',
  'voting',
  'winners',
]

test.group('Overlay: the key and the page', (group) => {
  pollTestSetup(group)

  test('the dashboard shows the streamer their link; the key is stored hashed and encrypted', async ({
    client,
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.aria)
    const response = await client.get('/dashboard').loginAs(streamer.user)
    response.assertStatus(200)

    const match = response.text().match(/\/overlay\/([A-Za-z0-9_-]+)/)
    assert.exists(match, 'the dashboard shows an overlay link')
    const key = match![1]
    // 32 random bytes: 256 bits, 43 URL-safe characters.
    assert.lengthOf(key, 43)
    assert.include(response.text(), 'Browser')
    assert.include(response.text(), '1920')

    const row = await db.from('streamer_overlays').where('streamer_id', streamer.id).firstOrFail()
    assert.equal(row.key_hash, createHash('sha256').update(key).digest('hex'))
    assert.notInclude(JSON.stringify(row), key)

    // The same link on the next visit.
    const again = await client.get('/dashboard').loginAs(streamer.user)
    assert.include(again.text(), `/overlay/${key}`)
  })

  test('the page opens with its key alone; an unknown or odd key is a 404', async ({
    client,
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.aria)
    const { path, key } = await overlayOf(streamer)

    const page = await client.get(path)
    page.assertStatus(200)
    page.assertHeader('referrer-policy', 'no-referrer')
    page.assertHeader('cache-control', 'no-store')
    assert.include(page.text(), 'src="/js/overlay.js"')
    assert.notInclude(page.text(), '<script>')

    const unknown = `${key.slice(0, -4)}${key.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`
    assert.equal(await statusOf(client, `/overlay/${unknown}`), 404)
    assert.equal(await statusOf(client, `/overlay/${unknown}/state`), 404)
    assert.equal(await statusOf(client, '/overlay/short'), 404)
    assert.equal(await statusOf(client, '/overlay/%00%00'), 404)
    assert.equal(await statusOf(client, `/overlay/${'x'.repeat(5000)}/state`), 404)
  })

  test('a new link kills the old one at once; it needs the CSRF token', async ({
    client,
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.aria)
    const old = await overlayOf(streamer)

    const forged = await client
      .post('/dashboard/overlay/key')
      .loginAs(streamer.user)
      .form({})
      .redirects(0)
    // Refused (sent back with a message), the key unchanged.
    assert.notInclude(forged.header('location') ?? '', '#overlay')
    assert.equal(await keyOf(streamer), old.key)
    assert.equal(await statusOf(client, old.path), 200)

    const made = await submit(client, 'post', '/dashboard/overlay/key', streamer.user)
    made.assertStatus(302)
    assert.include(made.header('location'), '/dashboard')

    assert.equal(await statusOf(client, old.path), 404)
    assert.equal(await statusOf(client, `${old.path}/state`), 404)
    const fresh = await overlayOf(streamer)
    assert.notEqual(fresh.key, old.key)
    assert.equal(await statusOf(client, fresh.path), 200)
    const dashboard = await client.get('/dashboard').loginAs(streamer.user)
    assert.include(dashboard.text(), fresh.path)
    assert.notInclude(dashboard.text(), old.path)
  })

  test('the streamer saves position and theme; an unknown value is refused', async ({
    client,
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.aria)
    const { path } = await overlayOf(streamer)

    const saved = await submit(client, 'post', '/dashboard/overlay', streamer.user, {
      position: 'top-left',
      theme: 'outline',
    })
    saved.assertStatus(302)
    const page = await client.get(path)
    assert.include(page.text(), 'data-position="top-left"')
    assert.include(page.text(), 'data-theme="outline"')

    const refused = await client
      .post('/dashboard/overlay')
      .loginAs(streamer.user)
      .withCsrfToken()
      .header('Accept', 'application/json')
      .form({ position: 'middle', theme: 'neon' })
      .redirects(0)
    refused.assertStatus(422)
    const overlay = await StreamerOverlay.findByOrFail('streamer_id', streamer.id)
    assert.equal(overlay.position, 'top-left')
    assert.equal(overlay.theme, 'outline')
  })
})

test.group('Overlay: what it shows', (group) => {
  const clock = pollTestSetup(group)

  test('the state has the live poll with the combined votes of every channel, and nothing else', async ({
    client,
    assert,
  }) => {
    const { campaign, streamers, run, pollIdOf } = await launchedPoll(client, [
      SEEDED.aria,
      SEEDED.bram,
    ])
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 3)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 0, 1)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 2, 2)
    await readResults(run.id)

    const { path } = await overlayOf(streamers.aria_plays)
    const response = await client.get(`${path}/state`)
    response.assertStatus(200)
    const { poll } = response.body()
    assert.deepEqual(Object.keys(poll).sort(), POLL_KEYS)
    assert.equal(poll.title, 'Does the party trust the innkeeper?')
    assert.deepEqual(poll.choices, ['Yes', 'No', 'Roll for it'])
    assert.deepEqual(poll.totals, [4, 0, 2])
    assert.equal(poll.totalVotes, 6)
    assert.equal(poll.channelCount, 2)
    assert.isTrue(poll.live)
    assert.equal(poll.voting, 'twitch')
    assert.deepEqual(poll.winners, [])

    // Nothing about the people, their tokens or the campaign.
    const text = response.text()
    for (const secret of [
      campaign.name,
      SEEDED.aria.login,
      SEEDED.bram.login,
      SEEDED.bram.displayName,
      `"${SEEDED.aria.id}"`,
      streamers.aria_plays.accessToken!,
      pollIdOf(SEEDED.aria),
    ]) {
      assert.notInclude(text, secret)
    }

    // The other channel's overlay shows the same combined answer.
    const bram = await stateOf(client, streamers.bram_rolls)
    assert.deepEqual(bram.totals, [4, 0, 2])
  })

  test('a streamer in no live run sees nothing, whatever runs elsewhere', async ({
    client,
    assert,
  }) => {
    await launchedPoll(client, [SEEDED.aria])
    const outsider = await connectedStreamer(SEEDED.cass)
    assert.isNull(await stateOf(client, outsider))
  })

  test('a poll live on the channel wins over a newer one that just ended there', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers, run } = await launchedPoll(client, [SEEDED.aria])
    const aria = streamers.aria_plays
    // A newer run on the same channel (a chat vote, say) that ended a moment ago.
    const ended = await PollRun.create({
      campaignId: campaign.id,
      launchedById: gm.id,
      idempotencyKey: launchKey(),
      status: 'completed',
      title: 'Already over?',
      choices: ['Yes', 'No'],
      durationSeconds: 60,
      channelPointsPerVote: null,
      endedAt: clock.now(),
    })
    await PollChannel.create({
      pollRunId: ended.id,
      streamerId: aria.id,
      twitchUserId: aria.twitchUserId,
      twitchLogin: aria.twitchLogin,
      displayName: aria.twitchDisplayName,
      outcome: 'created',
      totalVotes: 0,
    })

    const poll = await stateOf(client, aria)
    assert.equal(poll.id, run.id)
    assert.isTrue(poll.live)
  })

  test("a channel voting in chat has its overlay say so; the other channels' do not", async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.aria, SEEDED.pat])
    const run = await PollRun.create({
      campaignId: campaign.id,
      launchedById: gm.id,
      idempotencyKey: launchKey(),
      status: 'running',
      title: 'Left or right?',
      choices: ['Left', 'Right'],
      durationSeconds: 60,
      channelPointsPerVote: null,
    })
    for (const [streamer, voting] of [
      [streamers.aria_plays, 'twitch'],
      [streamers.plain_pat, 'chat'],
    ] as const) {
      await PollChannel.create({
        pollRunId: run.id,
        streamerId: streamer.id,
        twitchUserId: streamer.twitchUserId,
        twitchLogin: streamer.twitchLogin,
        displayName: streamer.twitchDisplayName,
        outcome: 'created',
        voting,
        totalVotes: 0,
      })
    }

    const pat = await stateOf(client, streamers.plain_pat)
    const aria = await stateOf(client, streamers.aria_plays)
    assert.equal(pat.voting, 'chat')
    assert.equal(aria.voting, 'twitch')
  })

  test('after the end the winner stays for the winner time, then nothing', async ({
    client,
    assert,
  }) => {
    const { gm, campaign, streamers, run, pollIdOf } = await launchedPoll(client, [
      SEEDED.aria,
      SEEDED.bram,
    ])
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 1, 2)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 0, 1)
    await submit(client, 'post', `/campaigns/${campaign.id}/runs/${run.id}/end`, gm)

    const { path } = await overlayOf(streamers.bram_rolls)
    const ended = await client.get(`${path}/state`)
    assert.isFalse(ended.body().poll.live)
    assert.deepEqual(ended.body().poll.totals, [1, 2, 0])
    assert.deepEqual(ended.body().poll.winners, [1])

    clock.advance({ seconds: 14 })
    assert.isNotNull(await stateOf(client, streamers.bram_rolls))
    clock.advance({ seconds: 2 })
    assert.isNull(await stateOf(client, streamers.bram_rolls))
  })
})

test.group('Overlay: the live channel', (group) => {
  pollTestSetup(group)
  const listeners: OverlayListener[] = []
  group.each.teardown(() => {
    listeners.splice(0).forEach((listener) => listener.close())
  })

  test('only the key opens the channel; then every vote arrives with the combined count', async ({
    client,
    assert,
  }) => {
    const { streamers, run, pollIdOf } = await launchedPoll(client, [SEEDED.aria, SEEDED.bram])
    const aria = await overlayOf(streamers.aria_plays)
    const bram = await overlayOf(streamers.bram_rolls)
    const listener = await new OverlayListener(aria.key).open()
    listeners.push(listener)

    assert.equal(await listener.subscribe({ key: null }), 400)
    assert.equal(await listener.subscribe({ key: bram.key }), 400)
    const bramPage = await new OverlayListener(bram.key).open()
    listeners.push(bramPage)
    const bramChannel = bramPage.channel
    assert.equal(await listener.subscribe({ channel: bramChannel }), 400)
    assert.equal(await listener.subscribe(), 204)

    twitchEmulator.state.castVotes(pollIdOf(SEEDED.bram), 2, 5)
    await readResults(run.id)
    await listener.waitFor(() => listener.polls().some((poll) => poll.totalVotes === 5))
    const poll = listener.polls().at(-1)!
    assert.deepEqual(poll.totals, [0, 0, 5])
    assert.equal(poll.channelCount, 2)
    assert.notInclude(JSON.stringify(listener.messages), SEEDED.bram.login)
  })

  test('the event stream holds no authenticator; the subscription still works', async ({
    client,
    assert,
  }) => {
    const { streamers, run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const { key } = await overlayOf(streamers.aria_plays)
    const contexts: HttpContext[] = []
    const stopWatching = transmit.on('connect', ({ context }) => {
      contexts.push(context as HttpContext)
    })
    const listener = new OverlayListener(key)
    listeners.push(listener)
    try {
      await listener.open()
      await listener.waitFor(() => contexts.length === 1)
    } finally {
      stopWatching()
    }

    // What the stream's request holds lives as long as the stream (hours).
    const [context] = contexts
    assert.isUndefined(context.auth)
    assert.equal(await listener.subscribe(), 204)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 2)
    await readResults(run.id)
    await listener.waitFor(() => listener.polls().some((poll) => poll.totalVotes === 2))
  })

  test('a new link tells the old page to stop and sends it nothing more', async ({
    client,
    assert,
  }) => {
    const { streamers, run, pollIdOf } = await launchedPoll(client, [SEEDED.aria])
    const streamer = streamers.aria_plays
    const old = await overlayOf(streamer)
    const listener = await new OverlayListener(old.key).open()
    listeners.push(listener)
    assert.equal(await listener.subscribe(), 204)

    await submit(client, 'post', '/dashboard/overlay/key', streamer.user)
    await listener.waitFor(() =>
      listener.messages.some(({ payload }) => payload.type === 'revoked')
    )

    const heard = listener.messages.length
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 0, 4)
    await readResults(run.id)
    await overlaysSettled()
    const fresh = await new OverlayListener(await keyOf(streamer)).open()
    listeners.push(fresh)
    assert.equal(await fresh.subscribe(), 204)
    twitchEmulator.state.castVotes(pollIdOf(SEEDED.aria), 1, 1)
    await readResults(run.id)
    await fresh.waitFor(() => fresh.polls().some((poll) => poll.totalVotes === 5))
    assert.lengthOf(listener.messages, heard)
    // The old key cannot subscribe again either.
    assert.equal(await listener.subscribe(), 400)
  })
})

test.group('Overlay: rate limit', (group) => {
  pollTestSetup(group)
  group.each.setup(() => {
    app.container.swap(
      OverlaySettings,
      () => new OverlaySettings({ rateLimit: { requests: 3, windowSeconds: 60 } })
    )
    return () => app.container.restore(OverlaySettings)
  })

  test('one address gets a few requests a minute, then 429 with Retry-After', async ({
    client,
    assert,
  }) => {
    const streamer = await connectedStreamer(SEEDED.aria)
    const { path } = await overlayOf(streamer)
    assert.equal(await statusOf(client, path), 200)
    assert.equal(await statusOf(client, `${path}/state`), 200)
    assert.equal(await statusOf(client, '/overlay/guessing-a-key-that-does-not-exist'), 404)

    const page = await client.get(path)
    page.assertStatus(429)
    assert.isAbove(Number(page.header('retry-after')), 0)
    const state = await client.get(`${path}/state`)
    state.assertStatus(429)
    assert.deepEqual(state.body(), { errors: [{ message: 'Too many requests' }] })
  })

  test('subscriptions to the live channel count too', async ({ assert }) => {
    const streamer = await connectedStreamer(SEEDED.aria)
    const { key } = await overlayOf(streamer)
    const listener = await new OverlayListener(key).open()
    try {
      assert.equal(await listener.subscribe({ key: 'wrong-key-wrong-key-wrong-key' }), 400)
      assert.equal(await listener.subscribe({ key: 'wrong-key-wrong-key-wrong-kez' }), 400)
      // The right key, but the address has used its requests.
      assert.equal(await listener.subscribe(), 400)
      await clearOverlayLimits()
      assert.equal(await listener.subscribe(), 204)
    } finally {
      listener.close()
    }
  })
})
