import { avatarDataUrl } from './avatar.js'
import type { BroadcasterType, EmulatorUser } from './types.js'

/**
 * The accounts every fresh (or reset) emulator knows. Ids are stable so tests,
 * fixtures and the demo can name them. A GM persona (dorian_dm) and one plain
 * account (plain_pat, no affiliate status) exercise the "partners and
 * affiliates only" rule for polls.
 */
interface SeedUser {
  id: string
  login: string
  displayName: string
  broadcasterType: BroadcasterType
  /** Varied, so the demo shows each audience in its own language. */
  broadcasterLanguage: string
  description: string
  createdAt: string
}

const SEED_USERS: readonly SeedUser[] = [
  {
    id: '1001',
    login: 'aria_plays',
    displayName: 'Aria_Plays',
    broadcasterType: 'partner',
    broadcasterLanguage: 'fr',
    description: 'Bard main. Rolls dice, sings badly, streams the Tuesday campaign.',
    createdAt: '2016-04-12T18:22:05Z',
  },
  {
    id: '1002',
    login: 'bram_rolls',
    displayName: 'Bram_Rolls',
    broadcasterType: 'affiliate',
    broadcasterLanguage: 'en',
    description: 'Dwarven fighter, natural 1 collector.',
    createdAt: '2018-09-30T09:10:44Z',
  },
  {
    id: '1003',
    login: 'cass_casts',
    displayName: 'Cass_Casts',
    broadcasterType: 'affiliate',
    broadcasterLanguage: 'es',
    description: 'Wizard with too many spell slots and not enough sleep.',
    createdAt: '2019-02-17T21:03:12Z',
  },
  {
    id: '1004',
    login: 'dorian_dm',
    displayName: 'Dorian_DM',
    broadcasterType: 'affiliate',
    broadcasterLanguage: 'de',
    description: 'Game Master. Your choices have consequences.',
    createdAt: '2015-11-02T14:45:00Z',
  },
  {
    id: '1005',
    login: 'plain_pat',
    displayName: 'Plain_Pat',
    broadcasterType: '',
    broadcasterLanguage: 'pt',
    description: '',
    createdAt: '2021-06-08T07:30:19Z',
  },
]

/** Fresh copies, so mutating a user never alters the seed. */
export function seededUsers(): EmulatorUser[] {
  return SEED_USERS.map((seed) => ({
    ...seed,
    email: `${seed.login}@example.test`,
    profileImageUrl: avatarDataUrl(seed.login, seed.displayName),
  }))
}
