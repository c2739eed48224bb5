import { EmulatorInputError } from './emulator_error.js'

export interface DeliveryFaultSettings {
  /** The next N notifications are never sent, nor retried: lost on the way. */
  drop: number
  /** The next N notifications are sent twice, with the same message id. */
  duplicate: number
  /** Every notification send waits this long first (0 = none). */
  delayMs: number
  /**
   * Every verification challenge waits this long before it is sent (0 =
   * none): a new subscription stays pending that long, as when Twitch is slow.
   */
  verificationDelayMs: number
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new EmulatorInputError(`"${name}" must be an integer >= 0`)
  }
}

/** Faults on notification deliveries, for tests of an app's idempotence and patience. */
export class DeliveryFaults {
  #settings: DeliveryFaultSettings = { drop: 0, duplicate: 0, delayMs: 0, verificationDelayMs: 0 }

  /** Fields left out keep their current value. */
  set(input: Partial<DeliveryFaultSettings>): void {
    const next = {
      drop: input.drop ?? this.#settings.drop,
      duplicate: input.duplicate ?? this.#settings.duplicate,
      delayMs: input.delayMs ?? this.#settings.delayMs,
      verificationDelayMs: input.verificationDelayMs ?? this.#settings.verificationDelayMs,
    }
    checkCount('drop', next.drop)
    checkCount('duplicate', next.duplicate)
    for (const name of ['delayMs', 'verificationDelayMs'] as const) {
      if (!Number.isFinite(next[name]) || next[name] < 0) {
        throw new EmulatorInputError(`"${name}" must be a number >= 0`)
      }
    }
    this.#settings = next
  }

  clear(): void {
    this.#settings = { drop: 0, duplicate: 0, delayMs: 0, verificationDelayMs: 0 }
  }

  get settings(): DeliveryFaultSettings {
    return { ...this.#settings }
  }

  get delayMs(): number {
    return this.#settings.delayMs
  }

  get verificationDelayMs(): number {
    return this.#settings.verificationDelayMs
  }

  /** Whether this message is to be dropped, spending one drop. */
  takeDrop(): boolean {
    if (this.#settings.drop === 0) {
      return false
    }
    this.#settings.drop--
    return true
  }

  /** Whether this message is to be sent twice, spending one duplicate. */
  takeDuplicate(): boolean {
    if (this.#settings.duplicate === 0) {
      return false
    }
    this.#settings.duplicate--
    return true
  }
}
