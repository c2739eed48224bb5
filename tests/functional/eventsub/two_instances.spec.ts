import { test } from '@japa/runner'
import { once } from 'node:events'
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ChildProcess } from 'node:child_process'
import redis from '@adonisjs/redis/services/main'
import { HandledMessages } from '#services/eventsub/handled_messages'
import { spawnApp, stripAnsi } from '#tests/helpers/child_process'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignWithChannels,
  channelOf,
  emulatorVotes,
  launchRequest,
  pollTestSetup,
  preparedPoll,
  runWithChannels,
  SEEDED,
  waitUntil,
} from '#tests/helpers/polls'
import { clearEventSubKeys, EVENTSUB_SECRET } from '#tests/helpers/eventsub'
import PollRun from '#models/poll_run'

interface Instance {
  port: number
  output: () => string
  stop: () => Promise<void>
}

/** A web instance (bin/server.ts) on a free port, EventSub on, delivering to `callback`. */
async function startInstance(port: number, callback: string): Promise<Instance> {
  const child: ChildProcess = spawnApp(['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'debug',
    SCHEDULER_ENABLED: 'false',
    TWITCH_EVENTSUB_SECRET: EVENTSUB_SECRET,
    TWITCH_EVENTSUB_CALLBACK_URL: callback,
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${output}`)), 40_000)
    const onData = (chunk: Buffer) => {
      output += stripAnsi(chunk.toString())
      if (/Chorus started on Node/.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
  }).catch((error) => {
    child.kill('SIGKILL')
    throw error
  })
  return {
    port,
    output: () => output,
    async stop() {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** A port nothing listens on right now. */
async function freePort() {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/**
 * A round-robin load balancer in front of the instances: what Twitch's
 * callback reaches. An instance that does not answer (still booting) is
 * skipped for the next one, as a balancer's health check would.
 */
function startBalancer(targets: () => number[]) {
  const hits = new Map<number, number>()
  let next = 0
  const forward = (
    ports: number[],
    attempt: number,
    incoming: IncomingMessage,
    body: Buffer,
    outgoing: ServerResponse
  ) => {
    const port = ports[next++ % ports.length]
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        hits.set(port, (hits.get(port) ?? 0) + 1)
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      }
    )
    request.on('error', () => {
      if (attempt < ports.length) forward(ports, attempt + 1, incoming, body, outgoing)
      else outgoing.writeHead(502).end()
    })
    request.end(body)
  }
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => forward(targets(), 1, incoming, Buffer.concat(chunks), outgoing))
  })
  return {
    hits,
    async listen() {
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/twitch/eventsub`
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

test.group('EventSub: two instances behind one callback', (group) => {
  group.each.timeout(90_000)
  pollTestSetup(group)
  group.each.setup(async () => {
    await clearEventSubKeys()
    twitchEmulator.state.setEventSubSettings({ retryDelaysMs: [100, 100] })
  })

  test('each event is handled once, whichever instance it reaches', async ({ client, assert }) => {
    const { gm, campaign } = await campaignWithChannels([SEEDED.aria, SEEDED.bram])
    const instances: Instance[] = []
    const ports = [await freePort(), await freePort()]
    const balancer = startBalancer(() => ports)
    const callback = await balancer.listen()
    try {
      instances.push(...(await Promise.all(ports.map((port) => startInstance(port, callback)))))
      // Both reconcile at boot: one does (lock), the other finds it done.
      await waitUntil(() => {
        const subscriptions = twitchEmulator.state.listSubscriptions()
        return (
          subscriptions.length === 7 &&
          subscriptions.every((subscription) => subscription.status === 'enabled')
        )
      }, 20_000)
      // Never the same subscription twice (Twitch would answer 409). A
      // challenge answered too late on a loaded machine fails verification
      // and is recreated: that is the only reason for more than 7 creations.
      const stats = twitchEmulator.state.stats()
      assert.equal(stats.failures['eventsub.create'], 0)
      const failedVerification = twitchEmulator.state
        .listDeliveries({ messageType: 'webhook_callback_verification' })
        .filter((delivery) => delivery.status !== 200).length
      assert.equal(stats.counts['eventsub.create'], 7 + failedVerification)

      await launchRequest(client, gm, campaign, await preparedPoll(campaign))
      const { id } = await PollRun.query().where('campaign_id', campaign.id).firstOrFail()
      const run = await runWithChannels(id)
      const pollIds = [SEEDED.aria, SEEDED.bram].map(
        (account) => channelOf(run, account).twitchPollId!
      )

      // Every notification sent twice at once: the balancer hands the two
      // copies to different instances.
      twitchEmulator.state.setDeliveryFaults({ duplicate: 20 })
      for (let vote = 0; vote < 20; vote++) {
        twitchEmulator.state.castVotes(pollIds[vote % 2], vote % 3, 1)
      }
      await twitchEmulator.state.eventsub.idle()

      const progress = twitchEmulator.state
        .listDeliveries({ messageType: 'notification' })
        .filter((delivery) => delivery.subscriptionType === 'channel.poll.progress')
      const ids = new Set(progress.map((delivery) => delivery.messageId))
      assert.equal(ids.size, 20)
      assert.isAtLeast(progress.length, 40)
      for (const instance of instances) {
        assert.isAbove(balancer.hits.get(instance.port) ?? 0, 10)
      }

      // Handled once in all: each id in exactly one "handled" log line.
      const logs = instances.map((instance) => instance.output()).join('\n')
      for (const messageId of ids) {
        const handled = logs.split(`handled notification ${messageId}`).length - 1
        assert.equal(handled, 1, `message ${messageId} handled ${handled} times`)
        assert.equal(await redis.get(HandledMessages.key(messageId)), 'handled')
      }
      const stored = await runWithChannels(id)
      for (const [index, account] of [SEEDED.aria, SEEDED.bram].entries()) {
        assert.deepEqual(channelOf(stored, account).votes, emulatorVotes(pollIds[index]))
      }
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()))
      await balancer.close()
    }
  })
})
