import { once } from 'node:events'
import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A TCP port in front of a real server (PostgreSQL) that a test opens and
 * closes: closed, connections are refused as if the server were down; open,
 * bytes are passed through both ways.
 */
export class TcpGate {
  #server: Server | null = null
  #sockets = new Set<Socket>()

  constructor(
    readonly port: number,
    private target: { host: string; port: number }
  ) {}

  async open() {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host)
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => {})
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    server.listen(this.port, '127.0.0.1')
    await once(server, 'listening')
    this.#server = server
  }

  async close() {
    const server = this.#server
    this.#server = null
    for (const socket of this.#sockets) socket.destroy()
    if (server) await new Promise((resolve) => server.close(resolve))
  }
}
