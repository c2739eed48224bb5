import { bodyOf, control, ok } from './control_handler.js'
import { readOptionalNumber, readOptionalNumberArray, readQueryLimit } from './control_input.js'
import { EmulatorInputError } from './emulator_error.js'
import { isSubscriptionStatus } from './eventsub_types.js'
import type { MessageType } from './eventsub_types.js'
import { jsonReply } from './replies.js'
import type { Router } from './router.js'
import type { EmulatorState } from './state.js'

const MESSAGE_TYPES: readonly MessageType[] = [
  'webhook_callback_verification',
  'notification',
  'revocation',
]

function readMessageType(value: string | null): MessageType | undefined {
  if (value === null) {
    return undefined
  }
  if (!(MESSAGE_TYPES as readonly string[]).includes(value)) {
    throw new EmulatorInputError(`"messageType" must be one of: ${MESSAGE_TYPES.join(', ')}`)
  }
  return value as MessageType
}

/** Control routes to watch and disturb EventSub deliveries (for tests and the demo). */
export function registerControlEventSubRoutes(router: Router, state: EmulatorState): void {
  router
    .add('GET', '/_emulator/eventsub/subscriptions', () =>
      jsonReply(200, { data: state.listSubscriptions() })
    )
    .add(
      'POST',
      '/_emulator/eventsub/subscriptions/:id/revoke',
      control((ctx) => {
        const { status, notify } = bodyOf(ctx)
        if (!isSubscriptionStatus(status)) {
          throw new EmulatorInputError('"status" must be a subscription status')
        }
        if (notify !== undefined && typeof notify !== 'boolean') {
          throw new EmulatorInputError('"notify" must be true or false')
        }
        return jsonReply(200, { data: state.revokeSubscription(ctx.params.id, status, { notify }) })
      })
    )
    .add(
      'GET',
      '/_emulator/eventsub/deliveries',
      control((ctx) =>
        jsonReply(200, {
          data: state.listDeliveries({
            subscriptionId: ctx.query.get('subscriptionId') ?? undefined,
            messageId: ctx.query.get('messageId') ?? undefined,
            messageType: readMessageType(ctx.query.get('messageType')),
            limit: readQueryLimit(ctx.query, 'limit'),
          }),
        })
      )
    )
    .add('GET', '/_emulator/eventsub/faults', () => jsonReply(200, state.eventsub.faults.settings))
    .add(
      'POST',
      '/_emulator/eventsub/faults',
      control((ctx) => {
        const body = bodyOf(ctx)
        const faults = state.setDeliveryFaults({
          drop: readOptionalNumber(body, 'drop'),
          duplicate: readOptionalNumber(body, 'duplicate'),
          delayMs: readOptionalNumber(body, 'delayMs'),
          verificationDelayMs: readOptionalNumber(body, 'verificationDelayMs'),
        })
        return ok({ faults })
      })
    )
    .add(
      'POST',
      '/_emulator/eventsub/settings',
      control((ctx) => {
        const body = bodyOf(ctx)
        state.setEventSubSettings({
          retryDelaysMs: readOptionalNumberArray(body, 'retryDelaysMs'),
          timeoutMs: readOptionalNumber(body, 'timeoutMs'),
          pageSize: readOptionalNumber(body, 'pageSize'),
        })
        return ok({ settings: state.settings })
      })
    )
    .add('POST', '/_emulator/eventsub/idle', async () => {
      await state.eventsub.idle()
      return ok()
    })
    .add(
      'GET',
      '/_emulator/users/:id/grants',
      control((ctx) => {
        const user = state.users.require(ctx.params.id)
        const clientId = ctx.query.get('clientId') ?? state.clients[0].clientId
        return jsonReply(200, { data: state.tokens.grantedScopes(clientId, user.id) })
      })
    )
}
