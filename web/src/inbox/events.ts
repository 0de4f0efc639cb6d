// Server-sent events read from a fetch response (the browser's EventSource cannot send the
// Authorization header the API needs): the text/event-stream format, line by line.
export interface StreamEvent {
  event: string
  data: string
}

/** Splits a text/event-stream into its events, as they complete; `retry:` lines are given
 *  to `onRetry` (the server's wait before opening the stream again), comments dropped. */
export class EventStreamParser {
  private buffer = ''
  private event = ''
  private data: string[] = []

  constructor(
    private readonly onEvent: (event: StreamEvent) => void,
    private readonly onRetry: (milliseconds: number) => void = () => {},
  ) {}

  push(text: string): void {
    this.buffer += text
    const lines = this.buffer.split(/\r\n|\r|\n/)
    this.buffer = lines.pop() ?? ''
    for (const line of lines) this.line(line)
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length) this.onEvent({ event: this.event || 'message', data: this.data.join('\n') })
      this.event = ''
      this.data = []
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') this.event = value
    else if (field === 'data') this.data.push(value)
    else if (field === 'retry' && /^\d+$/.test(value)) this.onRetry(Number(value))
  }
}
