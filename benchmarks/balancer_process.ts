/*
| The load balancer a benchmark puts in front of several web instances
| (started by bench_balancer.ts, in a process of its own so its work is not
| the benchmark's): one address, requests passed on over HTTP.
|
| - A request carrying the session cookie (`chorus-session`) always goes to
|   the same instance (sticky sessions, as docs/operations.md asks for
|   Transmit's event stream and its subscriptions); one without it (Twitch's
|   webhooks, a first page visit) goes to the next instance in turn.
| - Each answer says which instance gave it (`X-Bench-Instance: <index>`).
| - It counts requests per instance and times the webhook answers, and
|   reports them over IPC ('stats'; 'reset' starts the count again).
|
| Usage: --port=<port, 0 for any> --upstreams=<port>,<port>
*/
import http from 'node:http'
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import type { AddressInfo } from 'node:net'

const SESSION_COOKIE = 'chorus-session'

const { values } = parseArgs({
  options: { port: { type: 'string' }, upstreams: { type: 'string' } },
})
const upstreams = (values.upstreams ?? '').split(',').map(Number)
if (upstreams.length === 0 || upstreams.some((port) => !Number.isInteger(port) || port <= 0)) {
  throw new Error('--upstreams=<port>,<port> is required')
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
let requests = upstreams.map(() => 0)
let webhookMs: number[][] = upstreams.map(() => [])
let turn = 0

/** The instance for a request: by its session cookie when it has one, else the next in turn. */
function instanceFor(request: http.IncomingMessage) {
  const cookie = request.headers.cookie ?? ''
  const match = cookie.match(new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`))
  if (!match) return turn++ % upstreams.length
  let hash = 0
  for (const char of match[1]) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % upstreams.length
}

const server = http.createServer((request, response) => {
  const index = instanceFor(request)
  const started = performance.now()
  const webhook = request.url?.startsWith('/webhooks/') ?? false
  requests[index]++
  const forwarded = request.headers['x-forwarded-for']
  const upstream = http.request(
    {
      host: '127.0.0.1',
      port: upstreams[index],
      method: request.method,
      path: request.url,
      agent,
      headers: {
        ...request.headers,
        'x-forwarded-for': forwarded
          ? `${forwarded}, ${request.socket.remoteAddress}`
          : request.socket.remoteAddress,
      },
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, {
        ...answer.headers,
        'x-bench-instance': String(index),
      })
      // Event streams: every chunk goes out as it comes.
      response.flushHeaders()
      answer.pipe(response)
      if (webhook) answer.on('end', () => webhookMs[index].push(performance.now() - started))
    }
  )
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502)
    response.end()
  })
  // The client went away (an overlay closed its stream): so does the upstream request.
  response.on('close', () => upstream.destroy())
  request.pipe(upstream)
})
server.keepAliveTimeout = 60_000

server.listen(Number(values.port ?? 0), '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port })
})

process.on('message', (message: unknown) => {
  if (message === 'stats') process.send?.({ type: 'stats', requests, webhookMs })
  if (message === 'reset') {
    requests = upstreams.map(() => 0)
    webhookMs = upstreams.map(() => [])
    process.send?.({ type: 'reset' })
  }
})
process.on('disconnect', () => process.exit(0))
