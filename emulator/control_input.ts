import { EmulatorInputError } from './emulator_error.js'
import type { FaultInput } from './types.js'

/**
 * Readers for control API bodies: each returns the typed value or throws
 * EmulatorInputError, which the control API answers with 400.
 */

export function readNumber(body: Record<string, unknown>, name: string): number {
  const value = body[name]
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EmulatorInputError(`"${name}" must be a number`)
  }
  return value
}

export function readOptionalNumber(
  body: Record<string, unknown>,
  name: string
): number | undefined {
  return body[name] === undefined || body[name] === null ? undefined : readNumber(body, name)
}

export function readBoolean(body: Record<string, unknown>, name: string): boolean {
  const value = body[name]
  if (typeof value !== 'boolean') {
    throw new EmulatorInputError(`"${name}" must be true or false`)
  }
  return value
}

export function readOptionalString(
  body: Record<string, unknown>,
  name: string
): string | undefined {
  const value = body[name]
  if (value === undefined || value === null) {
    return undefined
  }
  if (typeof value !== 'string') {
    throw new EmulatorInputError(`"${name}" must be a string`)
  }
  return value
}

export function readOptionalStringArray(
  body: Record<string, unknown>,
  name: string
): string[] | undefined {
  const value = body[name]
  if (value === undefined || value === null) {
    return undefined
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new EmulatorInputError(`"${name}" must be an array of strings`)
  }
  return value as string[]
}

/** `{status, times?, retryAfterSeconds?}`; `status: null` means "clear the fault". */
export function readFault(body: Record<string, unknown>): FaultInput | null {
  const { status } = body
  if (status === null) {
    return null
  }
  if (status !== 'timeout' && typeof status !== 'number') {
    throw new EmulatorInputError('"status" must be an HTTP status, "timeout", or null to clear')
  }
  return {
    status,
    times: readOptionalNumber(body, 'times'),
    retryAfterSeconds: readOptionalNumber(body, 'retryAfterSeconds'),
  }
}

export function readOptionalBoolean(
  body: Record<string, unknown>,
  name: string
): boolean | undefined {
  return body[name] === undefined || body[name] === null ? undefined : readBoolean(body, name)
}

export function readOptionalNumberArray(
  body: Record<string, unknown>,
  name: string
): number[] | undefined {
  const value = body[name]
  if (value === undefined || value === null) {
    return undefined
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) {
    throw new EmulatorInputError(`"${name}" must be an array of numbers`)
  }
  return value as number[]
}

/** A query parameter as a positive integer, or undefined when absent. */
export function readQueryLimit(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name)
  if (raw === null) {
    return undefined
  }
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    throw new EmulatorInputError(`"${name}" must be a positive integer`)
  }
  return value
}
