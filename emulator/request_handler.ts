import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { BodyTooLargeError, readBody, writeReply } from './http_io.js'
import type { PendingWork } from './pending_work.js'
import { helixError, oauthError } from './replies.js'
import type { Reply } from './replies.js'
import { MalformedBodyError, RequestContext } from './request_context.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

/** OAuth errors have the shape of Twitch's OAuth server; everything else the Helix shape. */
type Area = 'oauth' | 'helix' | 'other'

function areaOf(path: string): Area {
  if (path === '/oauth2' || path.startsWith('/oauth2/')) {
    return 'oauth'
  }
  return path === '/helix' || path.startsWith('/helix/') ? 'helix' : 'other'
}

function errorFor(area: Area, status: number, message: string): Reply {
  return area === 'oauth' ? oauthError(status, message) : helixError(status, message)
}

/** Split by hand: `new URL()` would read a path such as `//x` as a host. */
function splitUrl(rawUrl: string): { path: string; query: URLSearchParams } {
  const queryStart = rawUrl.indexOf('?')
  if (queryStart === -1) {
    return { path: rawUrl, query: new URLSearchParams() }
  }
  return {
    path: rawUrl.slice(0, queryStart),
    query: new URLSearchParams(rawUrl.slice(queryStart + 1)),
  }
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
  state: EmulatorState,
  pending: PendingWork
): Promise<void> {
  const { path, query } = splitUrl(req.url ?? '/')
  const method = req.method ?? 'GET'
  const area = areaOf(path)

  let rawBody: string
  try {
    rawBody = await readBody(req)
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      writeReply(res, errorFor(area, 413, error.message))
    }
    return
  }

  const ctx = new RequestContext(method, path, query, req.headers, rawBody)
  const match = router.match(method, path)
  let reply: Reply
  if (!match) {
    reply = errorFor(area, 404, `No route for ${method} ${path}`)
  } else {
    ctx.params = match.params
    try {
      reply = await match.handler(ctx)
    } catch (error) {
      if (error instanceof MalformedBodyError) {
        reply = errorFor(area, 400, error.message)
      } else {
        // A bug in the emulator must not take the server down with it.
        console.error('[twitch-emulator] request failed', error)
        reply = errorFor(area, 500, 'Internal Server Error')
      }
    }
  }

  if (reply.kind === 'hang') {
    pending.hold(res)
    return
  }
  if (area !== 'other') {
    const latency = state.latencyFor(ctx.userId)
    if (latency > 0) {
      await pending.delay(latency)
    }
  }
  writeReply(res, reply)
}

export function createRequestListener(
  router: Router,
  state: EmulatorState,
  pending: PendingWork
): RequestListener {
  return (req, res) => {
    answer(req, res, router, state, pending).catch((error: unknown) => {
      console.error('[twitch-emulator] could not answer', error)
      if (!res.headersSent) {
        res.destroy()
      }
    })
  }
}
