import { EmulatorInputError } from './emulator_error.js'
import type { FaultInput, FaultStatus } from './types.js'

export interface ArmedFault {
  status: FaultStatus
  retryAfterSeconds: number
}

interface StoredFault extends ArmedFault {
  /** null = until cleared */
  remaining: number | null
}

/** Accepts what a test may reasonably ask for: an HTTP error status or 'timeout'. */
export function checkFaultInput(input: FaultInput): void {
  const { status, times, retryAfterSeconds } = input
  const isErrorStatus = typeof status === 'number' && Number.isInteger(status)
  if (status !== 'timeout' && !(isErrorStatus && status >= 400 && status <= 599)) {
    throw new EmulatorInputError("status must be an HTTP status from 400 to 599, or 'timeout'")
  }
  if (times !== undefined && !(Number.isInteger(times) && times >= 1)) {
    throw new EmulatorInputError('times must be a positive integer')
  }
  if (
    retryAfterSeconds !== undefined &&
    !(Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0)
  ) {
    throw new EmulatorInputError('retryAfterSeconds must be a number >= 0')
  }
}

/**
 * Faults armed per user for one kind of call (refresh, or Helix). Each
 * matching request takes one shot; a fault with `times` disarms itself when
 * its shots are spent.
 */
export class FaultBook {
  #faults = new Map<string, StoredFault>()

  arm(userId: string, input: FaultInput): void {
    checkFaultInput(input)
    this.#faults.set(userId, {
      status: input.status,
      retryAfterSeconds: input.retryAfterSeconds ?? 1,
      remaining: input.times ?? null,
    })
  }

  clear(userId: string): void {
    this.#faults.delete(userId)
  }

  clearAll(): void {
    this.#faults.clear()
  }

  peek(userId: string): ArmedFault | undefined {
    return this.#faults.get(userId)
  }

  /** The fault to apply to this request, if any, counting the shot. */
  take(userId: string): ArmedFault | undefined {
    const fault = this.#faults.get(userId)
    if (!fault) {
      return undefined
    }
    if (fault.remaining !== null) {
      fault.remaining--
      if (fault.remaining <= 0) {
        this.#faults.delete(userId)
      }
    }
    return { status: fault.status, retryAfterSeconds: fault.retryAfterSeconds }
  }
}
