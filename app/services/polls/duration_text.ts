/**
 * A poll's duration for people, in chat and in notifications: whole minutes
 * as "2 min", anything else in seconds ("90 s", the way the poll form asks it).
 */
export function durationText(seconds: number): string {
  if (seconds < 60 || seconds % 60 !== 0) return `${seconds} s`
  return `${seconds / 60} min`
}
