import { emptyDatabase } from '#tests/helpers/empty_database'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import type { Group } from '@japa/runner/core'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import { Clock } from '#services/clock'
import { FixedClock } from '#tests/helpers/fixed_clock'
import Streamer from '#models/streamer'
import { StreamerFactory } from '#database/factories/streamer_factory'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/** The emulator's seeded accounts (emulator/seed_users.ts). */
export const SEEDED = {
  aria: { id: '1001', login: 'aria_plays', displayName: 'Aria_Plays', type: 'partner' },
  bram: { id: '1002', login: 'bram_rolls', displayName: 'Bram_Rolls', type: 'affiliate' },
  cass: { id: '1003', login: 'cass_casts', displayName: 'Cass_Casts', type: 'affiliate' },
  dorian: { id: '1004', login: 'dorian_dm', displayName: 'Dorian_DM', type: 'affiliate' },
  pat: { id: '1005', login: 'plain_pat', displayName: 'Plain_Pat', type: '' },
} as const

type Seeded = (typeof SEEDED)[keyof typeof SEEDED]

/** An emulator account: a seeded one, or one a test created. */
export interface EmulatorAccount {
  id: string
  login: string
  displayName: string
  type: '' | 'affiliate' | 'partner'
}

/**
 * A user whose streamer is one of the emulator's accounts, holding tokens the
 * emulator really issued (so refreshes and Helix calls work against it).
 */
export async function connectedStreamer(account: Seeded | EmulatorAccount, now = DateTime.now()) {
  const tokens = twitchEmulator.state.issueTokens(account.id)
  const streamer = await StreamerFactory.with('user', 1, (user) =>
    user.merge({ displayName: account.displayName })
  )
    .merge({
      twitchUserId: account.id,
      twitchLogin: account.login,
      twitchDisplayName: account.displayName,
      broadcasterType: account.type,
      tokenExpiresAt: now.plus({ seconds: tokens.expiresIn }),
      lastTokenRefreshAt: now,
    })
    .create()
  streamer.setTokens({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken })
  await streamer.save()
  await streamer.load('user')
  return streamer
}

export async function reloadStreamer(streamer: Streamer) {
  return Streamer.findOrFail(streamer.id)
}

/**
 * Each test starts with empty tables, a fresh emulator and a clock that
 * stands still (at a whole second, as PostgreSQL stores it), swapped into
 * the container for every service the requests resolve.
 */
export function campaignTestSetup(group: Group) {
  const clock = new FixedClock(DateTime.now().startOf('second'))
  group.each.setup(async () => {
    twitchEmulator.state.reset()
    clock.set(DateTime.now().startOf('second'))
    app.container.swap(Clock, () => clock)
    const cleanup = await emptyDatabase()
    return async () => {
      app.container.restore(Clock)
      await cleanup()
    }
  })
  return clock
}

/**
 * A form submission from a signed-in user's page: CSRF token included,
 * redirects not followed (tests look at the redirect and its flash messages).
 */
export function submit(
  client: ApiClient,
  method: 'post' | 'put' | 'delete',
  url: string,
  user: User,
  form: Record<string, string> = {}
) {
  return client[method](url).loginAs(user).withCsrfToken().form(form).redirects(0)
}
