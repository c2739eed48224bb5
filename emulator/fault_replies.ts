import type { ArmedFault } from './fault_book.js'
import { hangReply, helixError, oauthError, reasonPhrase } from './replies.js'
import type { Reply } from './replies.js'

/** An empty bucket that refills `retryAfterSeconds` from now (Helix adds its own limit). */
function exhaustedBucketHeaders(fault: ArmedFault, now: number): Record<string, string> {
  return {
    'Ratelimit-Remaining': '0',
    'Ratelimit-Reset': String(Math.ceil(now / 1000 + fault.retryAfterSeconds)),
  }
}

/**
 * How an injected refresh fault answers /oauth2/token. 400 and 401 carry
 * Twitch's "Invalid refresh token" body (permanent failures for the app's
 * policy); 429 tells when to retry; 5xx are outages; 'timeout' never answers.
 */
export function refreshFaultReply(fault: ArmedFault, now: number): Reply {
  const { status } = fault
  if (status === 'timeout') {
    return hangReply()
  }
  if (status === 400 || status === 401) {
    return oauthError(status, 'Invalid refresh token')
  }
  if (status === 429) {
    return oauthError(429, 'Too Many Requests', {
      'Retry-After': String(Math.ceil(fault.retryAfterSeconds)),
      ...exhaustedBucketHeaders(fault, now),
    })
  }
  return oauthError(status, reasonPhrase(status))
}

/** How an injected Helix fault answers: Helix's error body and headers for the status. */
export function helixFaultReply(fault: ArmedFault, now: number): Reply {
  const { status } = fault
  if (status === 'timeout') {
    return hangReply()
  }
  if (status === 401) {
    return helixError(401, 'Invalid OAuth token')
  }
  if (status === 429) {
    return helixError(429, 'Too Many Requests', exhaustedBucketHeaders(fault, now))
  }
  return helixError(status, reasonPhrase(status))
}
