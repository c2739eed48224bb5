import { resetRateLimits } from '#tests/helpers/rate_limits'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/**
 * A browser without a browser: real HTTP to the test server with a cookie
 * jar and no automatic redirects, so a test can follow the OAuth dance hop
 * by hop and look at every answer.
 */
export class HttpSession {
  readonly cookies = new Map<string, string>()

  constructor(readonly baseUrl = `http://${process.env.HOST}:${process.env.PORT}`) {}

  async get(path: string) {
    return this.send(path, { method: 'GET' })
  }

  /**
   * The status a GET of `path` answers with (e.g. 200 signed in, 302 not).
   */
  async statusOf(path: string) {
    const response = await this.get(path)
    return response.status
  }

  /**
   * A form POST carrying the CSRF token the way a page's form does.
   */
  async postForm(path: string, fields: Record<string, string> = {}) {
    const csrf = await this.csrfToken()
    return this.send(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    })
  }

  async send(path: string, init: RequestInit) {
    const url = new URL(path, this.baseUrl)
    const headers = new Headers(init.headers)
    if (url.origin === new URL(this.baseUrl).origin && this.cookies.size > 0) {
      headers.set('Cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    if (url.origin === new URL(this.baseUrl).origin) {
      this.storeCookies(response)
    }
    return response
  }

  /**
   * Reads the CSRF token from a page, as a browser's form would carry it.
   */
  async csrfToken(path = '/dashboard') {
    const response = await this.get(path)
    const page = await response.text()
    const match = page.match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)
    if (!match) throw new Error(`no CSRF field on ${path}`)
    return match[1]
  }

  private storeCookies(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';')
      const separator = pair.indexOf('=')
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      const expired = attributes.some((attribute) =>
        /max-age=-1|expires=thu, 01 jan 1970/i.test(attribute)
      )
      if (expired || value === '') {
        this.cookies.delete(name)
      } else {
        this.cookies.set(name, value)
      }
    }
  }
}

/**
 * Runs Twitch sign-in through the emulator as one of its users: our
 * redirect, the emulator's authorize page and decision, our callback.
 * Returns the callback's answer (a redirect to /dashboard on success).
 */
export async function signInWithTwitch(
  session: HttpSession,
  twitchUserId: string,
  decision: 'approve' | 'deny' = 'approve',
  /** Sent with the callback, as the browser would (e.g. its Accept-Language). */
  headers: Record<string, string> = {}
) {
  // Every test signs in from 127.0.0.1: start each sign-in with a fresh
  // per-IP sign-in limit (tests/functional/operations/rate_limits.spec.ts).
  await resetRateLimits('sign_in')
  const start = await session.get('/auth/twitch/redirect')
  const authorizeUrl = new URL(start.headers.get('location')!)

  const decided = await fetch(`${twitchEmulator.oauthUrl}/authorize`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      ...Object.fromEntries(authorizeUrl.searchParams),
      user_id: twitchUserId,
      decision,
    }).toString(),
    redirect: 'manual',
  })
  const callbackUrl = new URL(decided.headers.get('location')!)
  return session.send(callbackUrl.pathname + callbackUrl.search, { method: 'GET', headers })
}
