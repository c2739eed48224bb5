/*
|--------------------------------------------------------------------------
| Validation messages
|--------------------------------------------------------------------------
|
| Every `request.validateUsing` reads its messages in the request's language
| (resources/lang/<locale>/validator.json, `validator.shared`): a rule's
| message for one field (`title.maxLength`), else the rule's own
| (docs/languages.md). Machine routes (the JSON API) have no `ctx.i18n`:
| their messages are English. Set when the app starts, so the first request
| of any kind already gets them.
*/
import i18nManager from '@adonisjs/i18n/services/main'
import { RequestValidator } from '@adonisjs/core/http'

RequestValidator.messagesProvider = (ctx) =>
  (ctx.i18n ?? i18nManager.locale(i18nManager.defaultLocale)).createMessagesProvider()
