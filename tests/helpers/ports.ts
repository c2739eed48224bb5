import { createServer } from 'node:net'

/**
 * A local TCP port nothing listens on right now (taken, then released): for
 * a process to listen on, or to stand for a service that is down.
 */
export function unusedPort() {
  return new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
