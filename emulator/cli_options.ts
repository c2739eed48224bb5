import { parseArgs } from 'node:util'
import { DEMO_CLIENT } from './options.js'
import type { EmulatorOptions } from './options.js'

export const DEFAULT_PORT = 3390

export interface CliSettings {
  port: number
  host: string
  options: EmulatorOptions
  help: boolean
}

export const USAGE = `Usage: node --import=@poppinss/ts-exec emulator/main.ts [options]

  --port <n>            port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>         address to bind (default 127.0.0.1)
  --client-id <id>      accepted OAuth client id (default $TWITCH_CLIENT_ID or ${DEMO_CLIENT.clientId})
  --client-secret <s>   its secret (default $TWITCH_CLIENT_SECRET or ${DEMO_CLIENT.clientSecret})
  --lifetime <s>        access token lifetime in seconds (default 14400)
  --latency <ms>        latency added to every /oauth2 and /helix answer (default 0)
  --auto-votes          active polls receive random votes over their duration
  --auto-chat           simulated viewers vote in chat while a chat vote runs
  --tick-ms <ms>        how often polls, votes and auto-chatters move on (default 1000)
  --eventsub-retry-delays <ms,ms,…>
                        waits before each EventSub redelivery (default 1000,4000)
  --help                show this text
`

function integerOption(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) {
    return undefined
  }
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`)
  }
  return value
}

/** `1000,4000` → [1000, 4000]; an empty value means "never redeliver". */
function delayList(raw: string | undefined): number[] | undefined {
  if (raw === undefined) {
    return undefined
  }
  const parts = raw.split(',').filter((part) => part.trim().length > 0)
  return parts.map((part) => integerOption('eventsub-retry-delays', part.trim(), 0) as number)
}

/** Command line first, then the environment (the client only), then the demo defaults. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      'port': { type: 'string' },
      'host': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'lifetime': { type: 'string' },
      'latency': { type: 'string' },
      'auto-votes': { type: 'boolean' },
      'auto-chat': { type: 'boolean' },
      'tick-ms': { type: 'string' },
      'eventsub-retry-delays': { type: 'string' },
      'help': { type: 'boolean' },
    },
    strict: true,
  })
  const clientId = values['client-id'] ?? env.TWITCH_CLIENT_ID ?? DEMO_CLIENT.clientId
  const clientSecret =
    values['client-secret'] ?? env.TWITCH_CLIENT_SECRET ?? DEMO_CLIENT.clientSecret
  return {
    port: integerOption('port', values.port, 0) ?? DEFAULT_PORT,
    host: values.host ?? '127.0.0.1',
    help: values.help ?? false,
    options: {
      clients: [{ clientId, clientSecret }],
      tokenLifetimeSeconds: integerOption('lifetime', values.lifetime, 1),
      latencyMs: integerOption('latency', values.latency, 0),
      autoVotes: values['auto-votes'] ?? false,
      autoChat: values['auto-chat'] ?? false,
      tickMs: integerOption('tick-ms', values['tick-ms'], 0),
      eventsubRetryDelaysMs: delayList(values['eventsub-retry-delays']),
    },
  }
}
