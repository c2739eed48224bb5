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
import redis from '@adonisjs/redis/services/main'
import { HandledMessages } from '#services/eventsub/handled_messages'
import { bootWebInstance, type WebInstance } from '#tests/helpers/web_instance'
import { unusedPort } from '#tests/helpers/ports'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'
import {
  campaignWithChannels,
  channelOf,
  emulatorVotes,
  launchRun,
  pollTestSetup,
  preparedPoll,
  runWithChannels,
  SEEDED,
  waitUntil,
} from '#tests/helpers/polls'
import { clearEventSubKeys, EVENTSUB_SECRET, notificationsOf } from '#tests/helpers/eventsub'

/** A web instance on `port`, EventSub on, delivering to `callback`. */
function startInstance(port: number, callback: string): Promise<WebInstance> {
  return bootWebInstance({
    PORT: String(port),
    LOG_LEVEL: 'debug',
    TWITCH_EVENTSUB_SECRET: EVENTSUB_SECRET,
    TWITCH_EVENTSUB_CALLBACK_URL: callback,
  })
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
    const instances: WebInstance[] = []
    const ports = [await unusedPort(), await unusedPort()]
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

      const run = await launchRun(client, gm, campaign, await preparedPoll(campaign))
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

      const progress = notificationsOf('channel.poll.progress')
      const ids = new Set(progress.map((delivery) => delivery.messageId))
      assert.equal(ids.size, 20)
      assert.isAtLeast(progress.length, 40)
      for (const instance of instances) {
        assert.isAbove(balancer.hits.get(instance.port) ?? 0, 10)
      }

      // Handled once in all: each id in exactly one "handled" log line. An
      // instance's log lines reach this process through a pipe, and may come
      // after Twitch has its answers: wait for every id first.
      const logsOf = () => instances.map((instance) => instance.output()).join('\n')
      await waitUntil(() => [...ids].every((id) => logsOf().includes(`handled notification ${id}`)))
      const logs = logsOf()
      for (const messageId of ids) {
        const handled = logs.split(`handled notification ${messageId}`).length - 1
        assert.equal(handled, 1, `message ${messageId} handled ${handled} times`)
        assert.equal(await redis.get(HandledMessages.key(messageId)), 'handled')
      }
      const stored = await runWithChannels(run.id)
      for (const [index, account] of [SEEDED.aria, SEEDED.bram].entries()) {
        assert.deepEqual(channelOf(stored, account).votes, emulatorVotes(pollIds[index]))
      }
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()))
      await balancer.close()
    }
  })
})
