/**
 * The test process must end once its summary is printed (CI never waits on
 * a forgotten timer or socket). Armed before the app terminates: if the
 * process is still alive `ms` later, it says what still holds it (Node's
 * active resources) on stderr and exits with the tests' own exit code. Its
 * timer is unref'd: a process that ends by itself never sees it.
 */
export function armExitGuard(ms: number, write: (line: string) => void = console.error) {
  const timer = setTimeout(() => {
    const holding = process
      .getActiveResourcesInfo()
      .filter((resource) => resource !== 'TTYWrap')
      .join(', ')
    write(
      `[tests] the process was still alive ${ms / 1000} s after the tests ended; ` +
        `still open: ${holding || 'nothing Node can name'}. Exiting.`
    )
    process.exit(process.exitCode ?? 0)
  }, ms)
  timer.unref()
  return timer
}
