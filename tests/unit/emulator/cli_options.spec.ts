import { test } from '@japa/runner'
import { DEFAULT_PORT, parseCli } from '#emulator/cli_options'

test.group('Twitch emulator | command line', () => {
  test('defaults: port 3390 on loopback with the demo client', ({ assert }) => {
    const settings = parseCli([], {})
    assert.equal(settings.port, DEFAULT_PORT)
    assert.equal(settings.port, 3390)
    assert.equal(settings.host, '127.0.0.1')
    assert.deepEqual(settings.options.clients, [
      { clientId: 'chorus-demo-client', clientSecret: 'chorus-demo-secret' },
    ])
    assert.isFalse(settings.options.autoVotes)
  })

  test('the environment supplies the client (the port is a flag only); flags win over it', ({
    assert,
  }) => {
    const env = {
      TWITCH_EMULATOR_PORT: '4000',
      TWITCH_CLIENT_ID: 'env-client',
      TWITCH_CLIENT_SECRET: 'env-secret',
    }
    const fromEnv = parseCli([], env)
    assert.equal(fromEnv.port, DEFAULT_PORT)
    assert.deepEqual(fromEnv.options.clients, [
      { clientId: 'env-client', clientSecret: 'env-secret' },
    ])

    const fromFlags = parseCli(
      [
        '--port',
        '0',
        '--host=0.0.0.0',
        '--client-id',
        'flag-client',
        '--lifetime',
        '600',
        '--latency',
        '25',
        '--auto-votes',
      ],
      env
    )
    assert.equal(fromFlags.port, 0)
    assert.equal(fromFlags.host, '0.0.0.0')
    assert.deepEqual(fromFlags.options.clients, [
      { clientId: 'flag-client', clientSecret: 'env-secret' },
    ])
    assert.equal(fromFlags.options.tokenLifetimeSeconds, 600)
    assert.equal(fromFlags.options.latencyMs, 25)
    assert.isTrue(fromFlags.options.autoVotes)
  })

  test('chat, ticking and EventSub redelivery flags', ({ assert }) => {
    const defaults = parseCli([], {}).options
    assert.isFalse(defaults.autoChat)
    assert.isUndefined(defaults.tickMs)
    assert.isUndefined(defaults.eventsubRetryDelaysMs)

    const options = parseCli(
      ['--auto-chat', '--tick-ms', '250', '--eventsub-retry-delays', '100, 500,2000'],
      {}
    ).options
    assert.isTrue(options.autoChat)
    assert.equal(options.tickMs, 250)
    assert.deepEqual(options.eventsubRetryDelaysMs, [100, 500, 2000])
    assert.deepEqual(
      parseCli(['--eventsub-retry-delays', ''], {}).options.eventsubRetryDelaysMs,
      []
    )
    assert.throws(() => parseCli(['--eventsub-retry-delays', '100,soon'], {}), /retry-delays/)
    assert.throws(() => parseCli(['--tick-ms', '-1'], {}), /--tick-ms/)
  })

  test('rejects bad numbers and unknown flags', ({ assert }) => {
    assert.throws(() => parseCli(['--port', 'abc'], {}), /--port/)
    assert.throws(() => parseCli(['--lifetime', '0'], {}), /--lifetime/)
    assert.throws(() => parseCli(['--latency', '-5'], {}), /--latency/)
    assert.throws(() => parseCli(['--verbose'], {}))
  })
})
