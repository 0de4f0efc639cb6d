// The gateway's clock as the console last heard it (each answer's `Date` header). "Today"
// for anything compared with the server's records — this month's report, this year's
// holidays — comes from here: an office PC whose clock is off would otherwise ask for the
// wrong month and find nothing.

let offsetMs = 0

/** Notes the server's time from an answer's `Date` header (whole seconds), if it has one.
 *  The server wrote it between the call's sending (`sentAt`) and its answer's arrival
 *  (`receivedAt`), dropping the milliseconds: a header within that window, widened by the
 *  second the header may have lost, says the clocks agree, however slow the answer was. */
export function noteServerDate(header: string | null, receivedAt: number = Date.now(), sentAt: number = receivedAt): void {
  const served = header ? Date.parse(header) : Number.NaN
  if (Number.isNaN(served)) return
  if (served > receivedAt) offsetMs = served - receivedAt
  else if (served + 1000 <= sentAt) offsetMs = served + 1000 - sentAt
  else offsetMs = 0
}

/** Now on the server's clock (the browser's own until an answer has said otherwise). */
export function serverNow(): Date {
  return new Date(Date.now() + offsetMs)
}
