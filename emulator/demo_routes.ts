import { renderDemoPage } from './demo_page.js'
import type { DemoView } from './demo_page.js'
import { EmulatorInputError } from './emulator_error.js'
import { FAVICON_SVG } from './favicon.js'
import { bytesReply, htmlReply, jsonReply, redirectReply } from './replies.js'
import type { Reply } from './replies.js'
import type { RequestContext } from './request_context.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

/** How many chat lines each channel shows on the page. */
const CHAT_LINES = 8

function wantsJson(ctx: RequestContext): boolean {
  const accept = ctx.header('accept') ?? ''
  return accept.includes('application/json') && !accept.includes('text/html')
}

function buildView(state: EmulatorState, error: string | null): DemoView {
  const clientId = state.clients[0].clientId
  const stats = state.stats()
  return {
    users: state.users.list().map((user) => {
      const window = state.chat.votes.get(user.id)
      return {
        user,
        connected: state.tokens.grantedScopes(clientId, user.id).length > 0,
        livePoll: state.listPolls(user.id).find((poll) => poll.status === 'ACTIVE') ?? null,
        chatVote: window ? { choices: window.choices, closesAt: window.closesAt } : null,
        chat: state.chatLog(user.id, CHAT_LINES),
      }
    }),
    autoVotes: state.settings.autoVotes,
    autoChat: state.settings.autoChat,
    subscriptions: state.listSubscriptions().map((sub) => ({
      type: sub.type,
      condition: Object.entries(sub.condition)
        .map(([key, value]) => `${key}=${value}`)
        .join(' '),
      status: sub.status,
      callback:
        sub.transport.method === 'webhook'
          ? sub.transport.callback
          : `conduit ${sub.transport.conduit_id}`,
    })),
    deliveries: stats.deliveries,
    now: state.now(),
    error,
  }
}

function homePage(ctx: RequestContext, state: EmulatorState): Reply {
  if (wantsJson(ctx)) {
    return jsonReply(200, {
      name: 'Twitch emulator',
      oauth: '/oauth2',
      helix: '/helix',
      control: '/_emulator',
    })
  }
  return htmlReply(200, renderDemoPage(buildView(state, ctx.query.get('error'))))
}

/**
 * A form of the page: do it, then back to the page (and to the channel), or
 * to the page with the error shown.
 */
function formAction(
  action: (form: URLSearchParams, ctx: RequestContext) => string | undefined
): (ctx: RequestContext) => Reply {
  return (ctx) => {
    try {
      const anchor = action(ctx.form(), ctx)
      return redirectReply(anchor ? `/#${anchor}` : '/')
    } catch (error) {
      if (error instanceof EmulatorInputError) {
        return redirectReply(`/?error=${encodeURIComponent(error.message)}`)
      }
      throw error
    }
  }
}

/** The emulator's home page (for people running the demo) and its forms. */
export function registerDemoRoutes(router: Router, state: EmulatorState): void {
  router
    .add('GET', '/', (ctx) => homePage(ctx, state))
    .add('GET', '/_emulator', (ctx) => homePage(ctx, state))
    .add('GET', '/favicon.ico', () => bytesReply(200, 'image/svg+xml', FAVICON_SVG))
    .add(
      'POST',
      '/_emulator/demo/polls/:id/votes',
      formAction((form, ctx) => {
        const poll = state.castVotes(
          ctx.params.id,
          Number(form.get('choiceIndex')),
          Number(form.get('count') ?? '1')
        )
        return `channel-${poll.broadcaster_id}`
      })
    )
    .add(
      'POST',
      '/_emulator/demo/chat/:broadcasterId',
      formAction((form, ctx) => {
        state.postViewerMessage({
          broadcasterId: ctx.params.broadcasterId,
          chatterLogin: form.get('chatterLogin') || 'demo_viewer',
          text: form.get('text') ?? '',
        })
        return `channel-${ctx.params.broadcasterId}`
      })
    )
    .add(
      'POST',
      '/_emulator/demo/switches',
      formAction((form) => {
        const autoVotes = form.get('autoVotes')
        const autoChat = form.get('autoChat')
        if (autoVotes !== null) {
          state.setAutoVotes(autoVotes === 'on')
        }
        if (autoChat !== null) {
          state.setAutoChat(autoChat === 'on')
        }
        return undefined
      })
    )
}
