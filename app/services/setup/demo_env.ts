import { randomBytes } from 'node:crypto'
import { copyFile, readFile } from 'node:fs/promises'
import { parseEnv } from 'node:util'
import webpush from 'web-push'
import { writeEnvValues } from '#services/setup/env_file'

/**
 * What `npm run demo` prepares before it starts anything (docs/operations.md,
 * "The demo"): the `.env` and the ports. Kept apart from scripts/demo.js so
 * tests can run it on a file of their own.
 */

/** Fresh secrets; tests pass fixed ones. */
interface SecretMaker {
  appKey(): string
  vapidKeys(): { publicKey: string; privateKey: string }
  eventSubSecret(): string
}

const freshSecrets: SecretMaker = {
  appKey: () => randomBytes(32).toString('base64url'),
  vapidKeys: () => webpush.generateVAPIDKeys(),
  eventSubSecret: () => randomBytes(24).toString('hex'),
}

/**
 * The values a demo needs that the environment leaves empty: the app key, the
 * VAPID pair (both, when either is missing: a lone half is useless) and the
 * Twitch events secret (so the emulator delivers events). A value set in the
 * file or in the process environment is kept.
 */
export function missingDemoValues(
  env: Record<string, string | undefined>,
  secrets: SecretMaker = freshSecrets
): Record<string, string> {
  const blank = (name: string) => !env[name]?.trim()
  const values: Record<string, string> = {}
  if (blank('APP_KEY')) values.APP_KEY = secrets.appKey()
  if (blank('VAPID_PUBLIC_KEY') || blank('VAPID_PRIVATE_KEY')) {
    const keys = secrets.vapidKeys()
    values.VAPID_PUBLIC_KEY = keys.publicKey
    values.VAPID_PRIVATE_KEY = keys.privateKey
  }
  if (blank('TWITCH_EVENTSUB_SECRET')) values.TWITCH_EVENTSUB_SECRET = secrets.eventSubSecret()
  return values
}

interface PreparedEnv {
  /** `.env` did not exist: it was copied from `.env.example`. */
  created: boolean
  /** The names of the variables written into `.env`. */
  added: string[]
  /** What the demo runs with: the file, then the process environment over it. */
  env: Record<string, string | undefined>
}

/**
 * Makes `.env` ready for the demo: copied from the template when missing,
 * then every missing secret generated into it, whether the file is new or
 * written by hand. Only `.env` is written; the tracked template is read.
 */
export async function prepareDemoEnv(
  envFile: URL,
  template: URL,
  processEnv: Record<string, string | undefined> = process.env,
  secrets: SecretMaker = freshSecrets
): Promise<PreparedEnv> {
  let text: string
  let created = false
  try {
    text = await readFile(envFile, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    await copyFile(template, envFile)
    text = await readFile(envFile, 'utf8')
    created = true
  }
  const fromFile = parseEnv(text) as Record<string, string>
  const missing = missingDemoValues({ ...fromFile, ...processEnv }, secrets)
  if (Object.keys(missing).length > 0) await writeEnvValues(envFile, missing)
  return { created, added: Object.keys(missing), env: { ...fromFile, ...missing, ...processEnv } }
}

interface DemoPorts {
  /** The web server's port (PORT, default 3333). */
  app: number
  /** The emulator's port, from TWITCH_OAUTH_URL; null when Twitch is the real one. */
  emulator: number | null
  /** Settings that contradict each other, each with what to change; the demo stops on any. */
  problems: string[]
}

const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

function urlOf(value: string | undefined) {
  if (!value) return null
  try {
    return new URL(value)
  } catch {
    return null
  }
}

function portOf(url: URL) {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80))
}

/**
 * The demo's ports, chosen one way only: the web server listens on `PORT`
 * (and `APP_URL` must say the same port), the emulator on the port of
 * `TWITCH_OAUTH_URL` (and `TWITCH_HELIX_URL` must say the same). The
 * emulator runs only when that URL points at this machine.
 */
export function demoPorts(env: Record<string, string | undefined>): DemoPorts {
  const problems: string[] = []
  const app = Number(env.PORT || 3333)
  const appUrl = urlOf(env.APP_URL)
  if (appUrl && LOCAL_HOSTS.includes(appUrl.hostname) && portOf(appUrl) !== app) {
    problems.push(
      `APP_URL (${env.APP_URL}) does not use PORT ${app}: set both to the same port (Twitch sends people back to APP_URL).`
    )
  }

  const oauth = urlOf(env.TWITCH_OAUTH_URL)
  const emulator = oauth && LOCAL_HOSTS.includes(oauth.hostname) ? portOf(oauth) : null
  if (env.TWITCH_EMULATOR_PORT?.trim()) {
    problems.push(
      `TWITCH_EMULATOR_PORT is not read: the emulator listens on the port of TWITCH_OAUTH_URL. Remove it and put the port in TWITCH_OAUTH_URL and TWITCH_HELIX_URL.`
    )
  }
  if (emulator !== null) {
    const helix = urlOf(env.TWITCH_HELIX_URL)
    if (helix && LOCAL_HOSTS.includes(helix.hostname) && portOf(helix) !== emulator) {
      problems.push(
        `TWITCH_HELIX_URL (${env.TWITCH_HELIX_URL}) and TWITCH_OAUTH_URL (${env.TWITCH_OAUTH_URL}) name different ports: the emulator serves both on one, so give them the same port.`
      )
    }
    const socket = urlOf(env.TWITCH_EVENTSUB_WS_URL)
    if (socket && LOCAL_HOSTS.includes(socket.hostname) && portOf(socket) !== emulator) {
      problems.push(
        `TWITCH_EVENTSUB_WS_URL (${env.TWITCH_EVENTSUB_WS_URL}) and TWITCH_OAUTH_URL (${env.TWITCH_OAUTH_URL}) name different ports: the emulator serves its EventSub WebSocket on the same port, so give them the same one.`
      )
    }
    if (emulator === app) {
      problems.push(
        `The emulator (port of TWITCH_OAUTH_URL) and the web server (PORT) both want port ${app}: change one.`
      )
    }
  }
  return { app, emulator, problems }
}
