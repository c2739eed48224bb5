import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>

interface Route {
  method: string
  segments: string[]
  handler: Handler
}

export interface RouteMatch {
  handler: Handler
  params: Record<string, string>
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0)
}

/** A malformed escape (`%zz`) makes the segment unmatchable instead of throwing. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** Method + path patterns with `:name` segments; enough for a few dozen fixed routes. */
export class Router {
  #routes: Route[] = []

  add(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, segments: splitPath(pattern), handler })
    return this
  }

  match(method: string, path: string): RouteMatch | undefined {
    const segments = splitPath(path)
    for (const route of this.#routes) {
      if (route.method !== method || route.segments.length !== segments.length) {
        continue
      }
      const params: Record<string, string> = {}
      const matches = route.segments.every((expected, index) => {
        if (expected.startsWith(':')) {
          const value = decodeSegment(segments[index])
          if (value === undefined) {
            return false
          }
          params[expected.slice(1)] = value
          return true
        }
        return expected === segments[index]
      })
      if (matches) {
        return { handler: route.handler, params }
      }
    }
    return undefined
  }
}
