/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| Every route is named: controllers redirect with `toRoute` and views link
| with `urlFor`. Paths that scripts and Twitch rely on (the OAuth callback,
| the push API) are listed in docs/architecture.md, "Routes".
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { rowId } from '#start/route_matchers'
import {
  invitationThrottle,
  pollLaunchThrottle,
  readinessCheckThrottle,
  signInThrottle,
} from '#start/limiter'

const TwitchAuthController = () => import('#controllers/twitch_auth_controller')
const DashboardController = () => import('#controllers/dashboard_controller')

router.on('/').render('pages/home').as('home').use(middleware.guest())

router
  .group(() => {
    router.get('/redirect', [TwitchAuthController, 'redirect']).as('redirect').use(signInThrottle)
    router.get('/callback', [TwitchAuthController, 'callback']).as('callback')
  })
  .prefix('/auth/twitch')
  .as('auth.twitch')

router.post('/logout', [TwitchAuthController, 'logout']).as('logout').use(middleware.auth())

const AccountController = () => import('#controllers/account_controller')
const LanguagesController = () => import('#controllers/languages_controller')

router
  .group(() => {
    router.get('/dashboard', [DashboardController, 'show']).as('dashboard')
    // The account page and deleting the account (docs/operations.md)
    router.get('/account', [AccountController, 'show']).as('account.show')
    router.delete('/account', [AccountController, 'destroy']).as('account.destroy')
    // The person's interface language (docs/languages.md)
    router
      .post('/account/language', [LanguagesController, 'updateInterface'])
      .as('account.language')
  })
  .use(middleware.auth())

/*
|--------------------------------------------------------------------------
| Campaigns, memberships, readiness, notifications
|--------------------------------------------------------------------------
|
| Signed-in users only. Every lookup is scoped to the signed-in user
| (app/policies/campaign_policy.ts): someone else's campaign, membership or
| notification answers 404; a member trying a GM-only action gets 403.
| Forms send DELETE/PUT as POST with `?_method=` (method spoofing is on).
*/
const CampaignsController = () => import('#controllers/campaigns_controller')
const CampaignMembersController = () => import('#controllers/campaign_members_controller')
const ReadinessController = () => import('#controllers/readiness_controller')
const MembershipsController = () => import('#controllers/memberships_controller')
const NotificationsController = () => import('#controllers/notifications_controller')

router
  .group(() => {
    // The GM's campaigns
    router.get('/campaigns/create', [CampaignsController, 'create']).as('campaigns.create')
    router.post('/campaigns', [CampaignsController, 'store']).as('campaigns.store')
    router.get('/campaigns/:id', [CampaignsController, 'show']).as('campaigns.show')
    router.get('/campaigns/:id/edit', [CampaignsController, 'edit']).as('campaigns.edit')
    router.put('/campaigns/:id', [CampaignsController, 'update']).as('campaigns.update')
    router.delete('/campaigns/:id', [CampaignsController, 'destroy']).as('campaigns.destroy')

    // The GM invites (by Twitch login), withdraws invitations, removes members
    router
      .post('/campaigns/:id/invitations', [CampaignMembersController, 'invite'])
      .as('campaigns.invitations.store')
      .use(invitationThrottle)
    router
      .delete('/campaigns/:id/invitations/:invitationId', [
        CampaignMembersController,
        'cancelInvitation',
      ])
      .where('invitationId', rowId)
      .as('campaigns.invitations.destroy')
    router
      .delete('/campaigns/:id/members/:membershipId', [CampaignMembersController, 'remove'])
      .where('membershipId', rowId)
      .as('campaigns.members.destroy')

    // The GM's readiness page and "check now"
    router.get('/campaigns/:id/readiness', [ReadinessController, 'show']).as('campaigns.readiness')
    router
      .post('/campaigns/:id/readiness/check', [ReadinessController, 'check'])
      .as('campaigns.readiness.check')
      .use(readinessCheckThrottle)

    // A streamer's own membership
    router
      .post('/memberships/:id/accept', [MembershipsController, 'accept'])
      .as('memberships.accept')
    router
      .post('/memberships/:id/decline', [MembershipsController, 'decline'])
      .as('memberships.decline')
    router.post('/memberships/:id/grant', [MembershipsController, 'grant']).as('memberships.grant')
    router
      .post('/memberships/:id/revoke', [MembershipsController, 'revoke'])
      .as('memberships.revoke')
    router.post('/memberships/:id/leave', [MembershipsController, 'leave']).as('memberships.leave')

    // In-app notifications
    router.get('/notifications', [NotificationsController, 'index']).as('notifications.index')
    router
      .post('/notifications/read-all', [NotificationsController, 'markAllRead'])
      .as('notifications.readAll')
    router
      .post('/notifications/:id/read', [NotificationsController, 'markRead'])
      .as('notifications.read')
  })
  .where('id', rowId)
  .use(middleware.auth())

/*
|--------------------------------------------------------------------------
| Web push and notification settings
|--------------------------------------------------------------------------
|
| JSON API of public/js/push.js (paths fixed by the contract; errors answer
| JSON) and the page choosing which notifications are pushed. State-changing
| requests go through CSRF like every other (X-XSRF-TOKEN header).
*/
const PushSubscriptionsController = () => import('#controllers/push_subscriptions_controller')
const NotificationPreferencesController = () =>
  import('#controllers/notification_preferences_controller')

router
  .get('/push/vapid-public-key', [PushSubscriptionsController, 'vapidPublicKey'])
  .as('push.vapidPublicKey')

router
  .group(() => {
    router
      .post('/push/subscriptions', [PushSubscriptionsController, 'store'])
      .as('push.subscriptions.store')
    router
      .delete('/push/subscriptions', [PushSubscriptionsController, 'destroy'])
      .as('push.subscriptions.destroy')
    router
      .get('/notifications/preferences', [NotificationPreferencesController, 'edit'])
      .as('notifications.preferences')
    router
      .post('/notifications/preferences', [NotificationPreferencesController, 'update'])
      .as('notifications.preferences.update')
  })
  .use(middleware.auth())

/*
|--------------------------------------------------------------------------
| Polls: prepared polls, launch, live results, history
|--------------------------------------------------------------------------
|
| The campaign's GM only (app/policies/campaign_policy.ts): a member gets a
| 403, anybody else a 404. Live results travel over Transmit (SSE): its
| routes (/__transmit/events|subscribe|unsubscribe) and the authorization
| of each run's channel are registered by start/transmit.ts. The browser
| client is served from the installed package at /vendor/transmit-client.js.
*/
const PollsController = () => import('#controllers/polls_controller')
const PollRunsController = () => import('#controllers/poll_runs_controller')
const TransmitClientController = () => import('#controllers/transmit_client_controller')

router.get('/vendor/transmit-client.js', [TransmitClientController]).as('vendor.transmitClient')

router
  .group(() => {
    // The prepared polls of a campaign (the show's running order)
    router.get('/campaigns/:id/polls', [PollsController, 'index']).as('polls.index')
    router.post('/campaigns/:id/polls', [PollsController, 'store']).as('polls.store')
    router.get('/campaigns/:id/polls/:pollId/edit', [PollsController, 'edit']).as('polls.edit')
    router.put('/campaigns/:id/polls/:pollId', [PollsController, 'update']).as('polls.update')
    router.delete('/campaigns/:id/polls/:pollId', [PollsController, 'destroy']).as('polls.destroy')
    router.post('/campaigns/:id/polls/:pollId/move', [PollsController, 'move']).as('polls.move')
    router
      .post('/campaigns/:id/polls/:pollId/launch', [PollsController, 'launch'])
      .as('polls.launch')
      .use(pollLaunchThrottle)

    // Launched polls: history, live page, its JSON snapshot, "End now"
    router.get('/campaigns/:id/runs', [PollRunsController, 'index']).as('pollRuns.index')
    router.get('/campaigns/:id/runs/:runId', [PollRunsController, 'show']).as('pollRuns.show')
    router
      .get('/campaigns/:id/runs/:runId/results', [PollRunsController, 'results'])
      .as('pollRuns.results')
    router.post('/campaigns/:id/runs/:runId/end', [PollRunsController, 'end']).as('pollRuns.end')
  })
  .where('id', rowId)
  .where('pollId', rowId)
  .where('runId', rowId)
  .use(middleware.auth())

/*
|--------------------------------------------------------------------------
| Twitch events (EventSub over webhooks, docs/eventsub.md)
|--------------------------------------------------------------------------
|
| Called by Twitch only: no session, no CSRF (routes under /webhooks/ skip
| the page middleware, app/middleware/machine_routes.ts); the signature is checked on the raw body.
*/
const EventSubWebhookController = () => import('#controllers/eventsub_webhook_controller')

router.post('/webhooks/twitch/eventsub', [EventSubWebhookController]).as('webhooks.twitch.eventsub')

/*
| The JSON API for integrations and its tokens page: start/routes/api.ts
*/
await import('#start/routes/api')

/*
|--------------------------------------------------------------------------
| Overlay for OBS (docs/overlay.md)
|--------------------------------------------------------------------------
|
| The overlay page and its JSON state answer to the secret key alone (no
| sign-in; an unknown key is a 404; rate-limited per address). Its live
| channel's authorization is in start/transmit.ts. The streamer changes the
| look and makes a new link from the dashboard (signed in, CSRF).
*/
const OverlaysController = () => import('#controllers/overlays_controller')
const OverlaySettingsController = () => import('#controllers/overlay_settings_controller')

router.get('/overlay/:key', [OverlaysController, 'show']).as('overlay.show')
router.get('/overlay/:key/state', [OverlaysController, 'state']).as('overlay.state')

router
  .group(() => {
    router.post('/dashboard/overlay', [OverlaySettingsController, 'update']).as('overlay.update')
    router
      .post('/dashboard/overlay/key', [OverlaySettingsController, 'regenerate'])
      .as('overlay.regenerate')
    // The language of the streamer's overlay and chat posts (docs/languages.md)
    router
      .post('/dashboard/audience-language', [LanguagesController, 'updateAudience'])
      .as('overlay.audience')
  })
  .use(middleware.auth())
