/**
 * What a notification is about, stored in `notifications.subject`: the code
 * that settles the matter resolves the notifications about it
 * (NotificationService.resolve, docs/notifications.md).
 */
export const notificationSubject = {
  /** An invitation, a membership, its poll authorization. */
  membership: (membershipId: number) => `membership:${membershipId}`,
  /** A streamer's Twitch connection. */
  streamer: (streamerId: number) => `streamer:${streamerId}`,
  /** A launched poll (a run). */
  pollRun: (runId: number) => `poll_run:${runId}`,
}
