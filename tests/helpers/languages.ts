import type User from '#models/user'

/** The user, now reading Chorus in `locale` (their saved interface language). */
export async function speaking(user: User, locale: string) {
  user.locale = locale
  await user.save()
  return user
}
