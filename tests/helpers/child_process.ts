import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

export interface ChildRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The environment a child process of the app needs to share this test run's
 * database, Redis database and Twitch emulator.
 */
export function childEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DB_DATABASE: env.get('DB_DATABASE', 'chorus_test'),
    REDIS_DB: String(env.get('REDIS_DB', 0)),
    TWITCH_OAUTH_URL: twitchEmulator.oauthUrl,
    TWITCH_HELIX_URL: twitchEmulator.helixUrl,
    LOG_LEVEL: 'warn',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...overrides,
  }
}

export function spawnApp(args: string[], overrides: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: fileURLToPath(app.appRoot),
    env: childEnv(overrides),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * Runs `node ace <args>` to the end.
 */
export function runAce(args: string[], overrides: Record<string, string> = {}): Promise<ChildRun> {
  const child = spawnApp(['ace', ...args], overrides)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) =>
      resolve({ code, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) })
    )
  })
}

export function stripAnsi(text: string) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
}

export function outputLines(text: string) {
  return text.split(/\r?\n/).map((line) => line.trimEnd())
}
