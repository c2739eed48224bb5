import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type PollRun from '#models/poll_run'
import { ApiError } from '#exceptions/api_error'
import { findManagedRun } from '#policies/poll_run_policy'
import { Clock } from '#services/clock'
import { buildSnapshot } from '#services/polls/poll_snapshot'
import { PollEndService } from '#services/polls/poll_end_service'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { runResource } from '#services/api/api_resources'

/**
 * `GET /api/v1/runs/:id` (live totals) and `POST /api/v1/runs/:id/end`
 * ("End now"), through the services of the live page (docs/api.md).
 */
@inject()
export default class RunsController {
  constructor(
    private clock: Clock,
    private ender: PollEndService,
    private poller: PollResultsPoller
  ) {}

  async show({ auth, params, response }: HttpContext) {
    const { run } = await findManagedRun(auth.use('api').getUserOrFail(), params.id)
    // A running poll whose poller died with its instance is taken over here.
    if (run.status === 'running') await this.poller.start(run.id)
    response.header('Cache-Control', 'no-store')
    return this.#resource(run)
  }

  /**
   * Ends the run on every channel; a run that already ended is answered as
   * it is (ending twice is not an error).
   */
  async end({ auth, params }: HttpContext) {
    const { run } = await findManagedRun(auth.use('api').getUserOrFail(), params.id)
    const result = await this.ender.endNow(run)
    if (result.status === 'not_started') {
      throw new ApiError('The poll is still being launched: try again in a moment.', {
        status: 409,
      })
    }
    await run.refresh()
    return this.#resource(run)
  }

  async #resource(run: PollRun) {
    await run.load('channels')
    return runResource(buildSnapshot(run, run.channels, this.clock.now().toJSDate()))
  }
}
