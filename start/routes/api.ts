/*
|--------------------------------------------------------------------------
| JSON API v1 and its tokens (docs/api.md)
|--------------------------------------------------------------------------
|
| `/api/v1/*` is authorized by a personal access token
| (`Authorization: Bearer …`, the `api` guard) and never by the session
| cookie; it has no session and no CSRF (app/middleware/machine_routes.ts),
| answers JSON only — errors too (app/exceptions/api_error_renderer.ts) — and
| is rate limited per token (start/api_limiter.ts). The settings page that
| makes and revokes tokens is an ordinary signed-in page with CSRF.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { apiLaunchThrottle, apiThrottle } from '#start/api_limiter'
import { API_PREFIX } from '#services/api/api_request'
import { rowId } from '#start/route_matchers'

const MeController = () => import('#controllers/api/v1/me_controller')
const CampaignsController = () => import('#controllers/api/v1/campaigns_controller')
const PollsController = () => import('#controllers/api/v1/polls_controller')
const RunsController = () => import('#controllers/api/v1/runs_controller')
const ApiTokensController = () => import('#controllers/api_tokens_controller')

router
  .group(() => {
    router.get('/me', [MeController, 'show']).as('me')
    router.get('/campaigns', [CampaignsController, 'index']).as('campaigns.index')
    router
      .get('/campaigns/:id/readiness', [CampaignsController, 'readiness'])
      .as('campaigns.readiness')
    router
      .post('/campaigns/:id/polls', [PollsController, 'store'])
      .as('polls.store')
      .use(apiLaunchThrottle)
    router.get('/runs/:id', [RunsController, 'show']).as('runs.show')
    router.post('/runs/:id/end', [RunsController, 'end']).as('runs.end')
  })
  .prefix(API_PREFIX)
  .as('api.v1')
  .where('id', rowId)
  .use([middleware.apiAuth(), apiThrottle])

router
  .group(() => {
    router.get('/settings/api-tokens', [ApiTokensController, 'index']).as('apiTokens.index')
    router.post('/settings/api-tokens', [ApiTokensController, 'store']).as('apiTokens.store')
    router
      .delete('/settings/api-tokens/:id', [ApiTokensController, 'destroy'])
      .as('apiTokens.destroy')
  })
  .where('id', rowId)
  .use(middleware.auth())
