import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolveOptions } from './options.js'
import type { EmulatorOptions } from './options.js'
import { PendingWork } from './pending_work.js'
import { createRequestListener } from './request_handler.js'
import { buildRouter } from './routes.js'
import { EmulatorState } from './state.js'
import { Ticker } from './ticker.js'
import { WEBSOCKET_PATH } from './eventsub_websocket.js'

export type { EmulatorOptions } from './options.js'
export { DEMO_CLIENT, DEFAULT_TOKEN_LIFETIME_SECONDS } from './options.js'
export { EmulatorState, DEFAULT_USER_SCOPES } from './state.js'
export type { DisconnectOutcome, EmulatorSettings, ListedSubscription } from './state.js'
export type { ViewerMessageInput } from './chat_simulation.js'
export type {
  DeliveryCounts,
  DeliveryStatKey,
  EmulatorStats,
  StatKey,
  StatCounts,
} from './stats_recorder.js'
export type { WireSubscription } from './eventsub_serializers.js'
export type { DeliveryFaultSettings } from './delivery_faults.js'
export type {
  DeliveryOutcome,
  DeliveryRecord,
  MessageType,
  SubscriptionStatus,
} from './eventsub_types.js'
export type { ChatLogEntry, ChatOrigin } from './chat_types.js'
export { signMessage } from './webhook_signature.js'
export type { HelixPoll, HelixPollChoice, HelixUser } from './helix_serializers.js'
export { EmulatorInputError } from './emulator_error.js'
export type {
  BroadcasterType,
  EmulatorClient,
  EmulatorUser,
  FaultInput,
  FaultStatus,
  IssuedTokens,
  NewUserInput,
  PollStatus,
} from './types.js'

export interface TwitchEmulator {
  /** Port 0 (the default) picks a free port; host defaults to 127.0.0.1. */
  listen(port?: number, host?: string): Promise<void>
  /** Stops listening and drops every connection, keep-alive and held ones included. */
  close(): Promise<void>
  /** e.g. http://127.0.0.1:3390 (valid after listen) */
  readonly url: string
  /** url + '/oauth2' */
  readonly oauthUrl: string
  /** url + '/helix' */
  readonly helixUrl: string
  /** The EventSub WebSocket URL: ws://host:port/ws */
  readonly websocketUrl: string
  /** In-process access for tests and benchmarks (the same operations as the control API). */
  readonly state: EmulatorState
}

/** A URL other processes can use: wildcard hosts are reached through loopback. */
function urlFor(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::'
  const host = wildcard ? '127.0.0.1' : address.address
  const shown = host.includes(':') ? `[${host}]` : host
  return `http://${shown}:${address.port}`
}

class HttpTwitchEmulator implements TwitchEmulator {
  readonly state: EmulatorState
  #pending = new PendingWork()
  #server: Server
  #ticker: Ticker
  #url: string | null = null

  constructor(options: EmulatorOptions) {
    const resolved = resolveOptions(options)
    this.state = new EmulatorState(resolved)
    this.#ticker = new Ticker(resolved.tickMs, () => this.state.tick())
    this.#server = createServer(
      createRequestListener(buildRouter(this.state), this.state, this.#pending)
    )
    // EventSub over WebSocket shares the port: ws://<host>/ws.
    this.#server.on('upgrade', (request, socket, head) => {
      if (!this.state.eventsub.sockets.upgrade(request, socket, head)) socket.destroy()
    })
  }

  get url(): string {
    if (this.#url === null) {
      throw new Error('The Twitch emulator is not listening yet: await listen() first')
    }
    return this.#url
  }

  get oauthUrl(): string {
    return `${this.url}/oauth2`
  }

  get helixUrl(): string {
    return `${this.url}/helix`
  }

  get websocketUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}${WEBSOCKET_PATH}`
  }

  listen(port: number = 0, host: string = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = this.#server
      const onError = (error: Error) => reject(error)
      server.once('error', onError)
      server.listen(port, host, () => {
        server.off('error', onError)
        this.#url = urlFor(server.address() as AddressInfo)
        this.#ticker.start()
        resolve()
      })
    })
  }

  close(): Promise<void> {
    const server = this.#server
    this.#ticker.stop()
    this.state.shutdown()
    this.#pending.releaseAll()
    if (!server.listening) {
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeAllConnections()
    })
  }
}

export function createTwitchEmulator(options: EmulatorOptions = {}): TwitchEmulator {
  return new HttpTwitchEmulator(options)
}
