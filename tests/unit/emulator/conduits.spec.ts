import { test } from '@japa/runner'
import { WebSocket } from 'ws'
import { waitUntil } from '#tests/helpers/wait_until'
import type { TwitchEmulator } from '#emulator/server'
import { postSubscription } from './eventsub_helpers.js'
import {
  ARIA,
  CLIENT,
  firstPollOf,
  helixGet,
  helixSend,
  jsonOf,
  newEmulator,
  pollRequest,
  postJson,
} from './helpers.js'

interface Frame {
  metadata: { message_id: string; message_type: string; subscription_type?: string }
  payload: {
    session?: { id: string; reconnect_url: string | null; keepalive_timeout_seconds: number }
    subscription?: { id: string; type: string; status: string }
    event?: Record<string, unknown>
  }
}

/** A WebSocket client that keeps every frame and how its socket closed. */
class ShardClient {
  frames: Frame[] = []
  closeCode: number | null = null
  socket: WebSocket

  constructor(url: string) {
    this.socket = this.#connect(url)
  }

  #connect(url: string) {
    const socket = new WebSocket(url)
    socket.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame))
    socket.on('close', (code) => {
      if (socket === this.socket) this.closeCode = code
    })
    return socket
  }

  /** Connects to a reconnect URL; the old socket stays until the new welcome. */
  reconnect(url: string) {
    const old = this.socket
    this.socket = this.#connect(url)
    return old
  }

  of(type: string) {
    return this.frames.filter((frame) => frame.metadata.message_type === type)
  }

  async sessionId() {
    await waitUntil(() => this.of('session_welcome').length > 0)
    return this.of('session_welcome')[0].payload.session!.id
  }

  notifications(subscriptionType: string) {
    return this.of('notification').filter(
      (frame) => frame.metadata.subscription_type === subscriptionType
    )
  }

  close() {
    this.socket.terminate()
  }
}

async function createConduit(emulator: TwitchEmulator, token: string, shardCount: number) {
  const response = await helixSend(emulator, 'POST', '/eventsub/conduits', token, {
    shard_count: shardCount,
  })
  const body = await jsonOf<{ data: { id: string; shard_count: number }[] }>(response)
  return body.data[0]
}

async function assignShards(
  emulator: TwitchEmulator,
  token: string,
  conduitId: string,
  shards: { id: string; sessionId: string }[]
) {
  const response = await helixSend(emulator, 'PATCH', '/eventsub/conduits/shards', token, {
    conduit_id: conduitId,
    shards: shards.map(({ id, sessionId }) => ({
      id,
      transport: { method: 'websocket', session_id: sessionId },
    })),
  })
  return {
    status: response.status,
    body: await jsonOf<{ data: { id: string; status: string }[]; errors: { id: string }[] }>(
      response
    ),
  }
}

test.group('Twitch emulator | conduits over WebSocket', (group) => {
  const emulator = newEmulator({ tickMs: 0, websocketUnusedMs: 300 })
  let appToken = ''
  const clients: ShardClient[] = []

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => {
    emulator.state.reset()
    appToken = emulator.state.issueAppToken().accessToken
    return () => clients.splice(0).forEach((client) => client.close())
  })

  const shardClient = () => {
    const client = new ShardClient(emulator.websocketUrl)
    clients.push(client)
    return client
  }

  /** A conduit with `count` shards, each fed by its own session, polls of Aria subscribed. */
  async function conduitWithShards(count: number) {
    const conduit = await createConduit(emulator, appToken, count)
    const shards = Array.from({ length: count }, () => shardClient())
    const sessions = await Promise.all(shards.map((client) => client.sessionId()))
    await assignShards(
      emulator,
      appToken,
      conduit.id,
      sessions.map((sessionId, index) => ({ id: String(index), sessionId }))
    )
    emulator.state.issueTokens(ARIA)
    for (const type of ['channel.poll.progress', 'conduit.shard.disabled']) {
      const condition =
        type === 'conduit.shard.disabled'
          ? { client_id: CLIENT.clientId }
          : { broadcaster_user_id: ARIA }
      const response = await postSubscription(emulator, appToken, {
        type,
        version: '1',
        condition,
        transport: { method: 'conduit', conduit_id: conduit.id },
      })
      if (response.status !== 202) throw new Error(await response.text())
    }
    return { conduit, shards, sessions }
  }

  let pollId: string | null = null
  group.each.setup(() => {
    pollId = null
  })

  /** Votes in Aria's poll; resolves once `shards` together hold `expected` progress frames. */
  async function vote(shards: ShardClient[], expected: number) {
    if (pollId === null) {
      const ariaToken = emulator.state.issueTokens(ARIA).accessToken
      const poll = await firstPollOf(
        helixSend(emulator, 'POST', '/polls', ariaToken, pollRequest(ARIA))
      )
      pollId = poll.id
    }
    emulator.state.castVotes(pollId, 0, 1)
    await emulator.state.eventsub.idle()
    await waitUntil(
      () =>
        shards.reduce(
          (sum, client) => sum + client.notifications('channel.poll.progress').length,
          0
        ) >= expected
    )
  }

  test('the Conduits API: create, get, update, shards with per-shard errors, delete', async ({
    assert,
  }) => {
    const conduit = await createConduit(emulator, appToken, 2)
    assert.equal(conduit.shard_count, 2)
    const listed = await jsonOf<{ data: unknown[] }>(
      await helixGet(emulator, '/eventsub/conduits', appToken)
    )
    assert.deepEqual(listed.data, [conduit])

    const client = shardClient()
    const sessionId = await client.sessionId()
    const update = await assignShards(emulator, appToken, conduit.id, [
      { id: '0', sessionId },
      { id: '5', sessionId },
      { id: '1', sessionId: 'no-such-session' },
    ])
    assert.equal(update.status, 202)
    assert.deepEqual(
      update.body.data.map((shard) => [shard.id, shard.status]),
      [['0', 'enabled']]
    )
    assert.sameMembers(
      update.body.errors.map((error) => error.id),
      ['5', '1']
    )

    const shards = await jsonOf<{ data: { id: string; status: string }[] }>(
      await helixGet(emulator, `/eventsub/conduits/shards?conduit_id=${conduit.id}`, appToken)
    )
    assert.deepEqual(
      shards.data.map((shard) => [shard.id, shard.status]),
      [
        ['0', 'enabled'],
        ['1', 'websocket_disconnected'],
      ]
    )

    const resized = await helixSend(emulator, 'PATCH', '/eventsub/conduits', appToken, {
      id: conduit.id,
      shard_count: 1,
    })
    const resizedBody = await jsonOf<{ data: { shard_count: number }[] }>(resized)
    assert.equal(resizedBody.data[0].shard_count, 1)

    const userToken = emulator.state.issueTokens(ARIA).accessToken
    const asUser = await helixGet(emulator, '/eventsub/conduits', userToken)
    assert.equal(asUser.status, 401)

    const deleted = await fetch(`${emulator.helixUrl}/eventsub/conduits?id=${conduit.id}`, {
      method: 'DELETE',
      headers: { 'Authorization': `Bearer ${appToken}`, 'Client-Id': CLIENT.clientId },
    })
    assert.equal(deleted.status, 204)
    assert.lengthOf(emulator.state.eventsub.conduits.all(), 0)
  })

  test('a welcome names the session and keepalive; an unused session is closed with 4003', async ({
    assert,
  }) => {
    const client = shardClient()
    const welcome = (await client.sessionId(), client.of('session_welcome')[0])
    assert.equal(welcome.payload.session!.keepalive_timeout_seconds, 10)
    await waitUntil(() => client.closeCode !== null)
    assert.equal(client.closeCode, 4003)
  })

  test('notifications reach an enabled shard; the shards take turns', async ({ assert }) => {
    const { shards } = await conduitWithShards(2)
    await vote(shards, 1)
    await vote(shards, 2)
    const received = shards.map((client) => client.notifications('channel.poll.progress').length)
    assert.deepEqual(received, [1, 1])
  })

  test('a dropped session disables its shard, the message goes to another, and conduit.shard.disabled is sent', async ({
    assert,
  }) => {
    const { shards, sessions, conduit } = await conduitWithShards(2)
    emulator.state.eventsub.sockets.drop(sessions[0])
    await emulator.state.eventsub.idle()
    await waitUntil(() => shards[1].notifications('conduit.shard.disabled').length === 1)
    const [disabled] = shards[1].notifications('conduit.shard.disabled')
    assert.deepInclude(disabled.payload.event!, {
      conduit_id: conduit.id,
      shard_id: '0',
      status: 'websocket_disconnected',
    })
    await vote(shards, 1)
    await vote(shards, 2)
    assert.lengthOf(shards[1].notifications('channel.poll.progress'), 2)
  })

  test('a frame a closed socket cannot take is retried on another shard', async ({ assert }) => {
    const { shards } = await conduitWithShards(2)
    // The client goes away without the emulator noticing yet: the next write fails.
    shards[0].socket.terminate()
    await vote(shards, 1)
    await vote(shards, 2)
    assert.lengthOf(shards[1].notifications('channel.poll.progress'), 2)
  })

  test('the duplicate fault sends a second copy, same message id, on another shard', async ({
    assert,
  }) => {
    const { shards } = await conduitWithShards(2)
    emulator.state.setDeliveryFaults({ duplicate: 1 })
    await vote(shards, 2)
    const ids = shards.flatMap((client) =>
      client.notifications('channel.poll.progress').map((frame) => frame.metadata.message_id)
    )
    assert.lengthOf(ids, 2)
    assert.equal(ids[0], ids[1])
  })

  test('session_reconnect: the new URL keeps the session id and its shard; nothing is lost', async ({
    assert,
  }) => {
    const { shards, sessions } = await conduitWithShards(1)
    const client = shards[0]
    const reconnect = await postJson(
      `${emulator.url}/_emulator/eventsub/sessions/${sessions[0]}/reconnect`,
      {}
    )
    assert.equal(reconnect.status, 200)
    await waitUntil(() => client.of('session_reconnect').length === 1)
    const url = client.of('session_reconnect')[0].payload.session!.reconnect_url!
    const old = client.reconnect(url)
    await waitUntil(() => client.of('session_welcome').length === 2)
    assert.equal(client.of('session_welcome')[1].payload.session!.id, sessions[0])
    old.close()
    await vote(shards, 1)
    assert.lengthOf(client.notifications('channel.poll.progress'), 1)
    const listed = emulator.state.eventsub.conduits.all()[0].shards[0]
    assert.equal(listed.status, 'enabled')
  })

  test('control faults: close with a code, disable a shard', async ({ assert }) => {
    const { shards, sessions, conduit } = await conduitWithShards(2)
    const closed = await postJson(
      `${emulator.url}/_emulator/eventsub/sessions/${sessions[0]}/close`,
      { code: 4005 }
    )
    assert.equal(closed.status, 200)
    await waitUntil(() => shards[0].closeCode === 4005)
    assert.equal(
      emulator.state.eventsub.conduits.all()[0].shards[0].status,
      'websocket_network_timeout'
    )

    const disabled = await postJson(
      `${emulator.url}/_emulator/conduits/${conduit.id}/shards/1/disable`,
      {}
    )
    assert.equal(disabled.status, 200)
    assert.equal(
      emulator.state.eventsub.conduits.all()[0].shards[1].status,
      'websocket_disconnected'
    )
    const badCode = await postJson(
      `${emulator.url}/_emulator/eventsub/sessions/${sessions[1]}/close`,
      { code: 1000 }
    )
    assert.equal(badCode.status, 400)
  })
})
