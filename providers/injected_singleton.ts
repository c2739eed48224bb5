import type { ContainerResolver } from '@adonisjs/core/container'
import type { ContainerBindings } from '@adonisjs/core/types'

type Injectable<T> = abstract new (...args: any[]) => T

/**
 * Builds `Service` with the dependencies its `@inject()` declares, skipping
 * any binding of `Service` itself: a provider binds a long-lived service as
 * a singleton with it (asking the container for `Service` there would come
 * back to that binding), and a test builds a second, separate instance with
 * it (another web instance). The unnamed subclass adds nothing; it only
 * has no binding of its own.
 */
export function buildInjected<T>(
  resolver: Pick<ContainerResolver<ContainerBindings>, 'make'>,
  Service: Injectable<T>
): Promise<T> {
  const Unbound = class extends (Service as unknown as new (...args: any[]) => object) {}
  return resolver.make(Unbound) as Promise<T>
}
