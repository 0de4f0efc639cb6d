// The signed-in person's console inbox as the header shows it: the unread count and the
// newest message, pushed by notify-svc's event stream (GET /api/v1/notify/inbox/events)
// while the console is open. The stream ends every few minutes and on any fault; it is
// opened again after the server's `retry` wait, with the session's current token.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { components } from '@/api/schema'
import { EventStreamParser } from '@/inbox/events'
import { useSessionStore } from '@/stores/session'

export type InboxMessage = components['schemas']['InboxMessageRead']

interface InboxState {
  unread: number
  latest: InboxMessage | null
}

const EVENTS_PATH = '/api/v1/notify/inbox/events'
const FIRST_RETRY_MS = 3_000
const LONGEST_RETRY_MS = 60_000

export const useInboxStore = defineStore('inbox', () => {
  const unread = ref(0)
  const latest = ref<InboxMessage | null>(null)
  /** A message that came while the console was open (not those there when it opened). */
  const arrived = ref<InboxMessage | null>(null)
  let running: AbortController | null = null

  function take(state: InboxState, first: boolean): void {
    const newer = state.latest && state.latest.id !== latest.value?.id && !state.latest.read_at
    if (!first && newer) arrived.value = state.latest
    unread.value = state.unread
    latest.value = state.latest
  }

  async function readOnce(signal: AbortSignal, onRetry: (ms: number) => void): Promise<boolean> {
    const token = useSessionStore().currentToken()
    if (!token) return false
    const response = await fetch(EVENTS_PATH, {
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` },
      signal,
    })
    if (response.status === 401 || response.status === 403) return false
    if (!response.ok || !response.body) return true
    let first = true
    const parser = new EventStreamParser((event) => {
      if (event.event !== 'inbox') return
      take(JSON.parse(event.data) as InboxState, first)
      first = false
    }, onRetry)
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return true
      parser.push(value)
    }
  }

  /** Keeps the stream open until `stop` (or until the session has no valid token). */
  function start(): void {
    if (running) return
    const controller = new AbortController()
    running = controller
    void (async () => {
      let wait = FIRST_RETRY_MS
      while (!controller.signal.aborted) {
        let goOn = true
        try {
          goOn = await readOnce(controller.signal, (ms) => (wait = ms))
        } catch {
          // No answer, or the stream broke off: try again after the wait, longer each time.
          wait = Math.min(wait * 2, LONGEST_RETRY_MS)
        }
        if (!goOn || controller.signal.aborted) break
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
      if (running === controller) running = null
    })()
  }

  function stop(): void {
    running?.abort()
    running = null
    unread.value = 0
    latest.value = null
    arrived.value = null
  }

  /** What the inbox page changed, shown at once rather than at the stream's next look. */
  function setUnread(count: number): void {
    unread.value = count
  }

  return { unread, latest, arrived, start, stop, setUnread }
})
