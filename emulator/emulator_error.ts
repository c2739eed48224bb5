/**
 * Thrown by EmulatorState when a caller (a test, or the control API on a
 * caller's behalf) asks for something impossible: an unknown user, a bad
 * fault, a duplicate login. The control API turns it into a JSON answer with
 * `status`; in-process callers simply see the exception.
 */
export class EmulatorInputError extends Error {
  readonly status: 400 | 404 | 409

  constructor(message: string, status: 400 | 404 | 409 = 400) {
    super(message)
    this.name = 'EmulatorInputError'
    this.status = status
  }
}
