import { I18n } from '@adonisjs/i18n'
import i18nManager from '@adonisjs/i18n/services/main'
import { isLocale } from '#services/i18n/locales'
import { supportedLocaleOf } from '#services/i18n/translator'
import type { NextFn } from '@adonisjs/core/types/http'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * The reader's interface language for this request (docs/languages.md): the
 * one saved on their account when signed in, else the best match of the
 * browser's `Accept-Language`, else English. Shared with the HTTP context
 * (`ctx.i18n`), the container (inject `I18n`) and Edge (`t()`); validation
 * messages read it too (start/validator.ts).
 */
export default class DetectUserLocaleMiddleware {
  protected getRequestLocale(ctx: HttpContext) {
    const saved = ctx.auth?.user?.locale
    if (isLocale(saved)) return saved
    return supportedLocaleOf(ctx.request.languages())
  }

  async handle(ctx: HttpContext, next: NextFn) {
    ctx.i18n = i18nManager.locale(this.getRequestLocale(ctx) || i18nManager.defaultLocale)
    ctx.containerResolver.bindValue(I18n, ctx.i18n)
    if ('view' in ctx) {
      ctx.view.share({ i18n: ctx.i18n })
    }
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    /** Absent on machine routes (app/middleware/machine_routes.ts). */
    i18n: I18n
  }
}
