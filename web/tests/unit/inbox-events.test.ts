import { describe, expect, it } from 'vitest'
import { EventStreamParser, type StreamEvent } from '@/inbox/events'

function parse(...chunks: string[]): { events: StreamEvent[]; retries: number[] } {
  const events: StreamEvent[] = []
  const retries: number[] = []
  const parser = new EventStreamParser(
    (event) => events.push(event),
    (ms) => retries.push(ms),
  )
  for (const chunk of chunks) parser.push(chunk)
  return { events, retries }
}

describe('the inbox event stream, as the console reads it', () => {
  it('gives each event once it is complete, however the chunks fall', () => {
    const { events, retries } = parse('retry: 3000\n\nevent: in', 'box\ndata: {"unread":', '1}\n', '\n')
    expect(retries).toEqual([3000])
    expect(events).toEqual([{ event: 'inbox', data: '{"unread":1}' }])
  })

  it('drops comments, keeps lines of data together and takes CR LF', () => {
    const { events } = parse(': keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\nevent: inbox\ndata: x')
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo' }])
  })

  it('ignores a retry that is not a number', () => {
    expect(parse('retry: soon\n\n').retries).toEqual([])
  })
})
