import { channel } from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'

/**
 * The moments of a launch, published on a diagnostics channel for whoever
 * listens (bench:launch prints where the time goes); nothing is built or kept
 * when nobody does. `channel` steps carry the login of the channel that just
 * got its answer from Twitch.
 */
type LaunchStep =
  | 'claimed'
  | 'leased'
  | 'members_loaded'
  | 'channel'
  | 'recorded'
  | 'chat_opened'
  | 'answered'
  | 'progress_pushed'
  | 'poller_started'
  | 'first_broadcast'
  | 'notified'

export interface LaunchMark {
  runId: number
  step: LaunchStep
  /** performance.now() of this process. */
  at: number
  login?: string
}

export const LAUNCH_TRACE_CHANNEL = 'chorus:polls:launch'

const marks = channel(LAUNCH_TRACE_CHANNEL)

export function traceLaunch(runId: number, step: LaunchStep, login?: string) {
  if (!marks.hasSubscribers) return
  marks.publish({ runId, step, at: performance.now(), login } satisfies LaunchMark)
}
