// The gateway's clock as the console last heard it (each answer's `Date` header). "Today"
// for anything compared with the server's records — this month's report, this year's
// holidays — comes from here: an office PC whose clock is off would otherwise ask for the
// wrong month and find nothing.

let offsetMs = 0

/** Notes the server's time from an answer's `Date` header (whole seconds), if it has one. */
export function noteServerDate(header: string | null, receivedAt: number = Date.now()): void {
  const served = header ? Date.parse(header) : Number.NaN
  if (Number.isNaN(served)) return
  const skew = served - receivedAt
  // The header drops the milliseconds: a difference under a second is no skew at all.
  offsetMs = Math.abs(skew) < 1000 ? 0 : skew
}

/** Now on the server's clock (the browser's own until an answer has said otherwise). */
export function serverNow(): Date {
  return new Date(Date.now() + offsetMs)
}
