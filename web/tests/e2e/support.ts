// What every browser test of the console shares. Import `test` and `expect` from here, not
// from @playwright/test: its `guard` fixture fails a test whose page reaches beyond its
// origin, breaks its Content Security Policy, fails to load a file or logs an error.
//
// The token lives in the page's memory only: a reload or `page.goto` signs out. After
// signIn, move by clicking links and buttons as a person does.
import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, request, type APIRequestContext, type Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'

export { expect }

export const ADMIN_PASSWORD = process.env.GUANJIA_ADMIN_PASSWORD ?? ''
export const SCREENSHOTS = resolve(process.env.GUANJIA_SCREENSHOTS ?? '../test-results/console-screenshots')

// What Chromium logs for an API call answered with an error: the console shows refusals in
// words, so these are expected; a file of the console that fails is caught by its response.
const REFUSED_CALL = /^Failed to load resource: the server responded with a status of/
// An API call that got no answer at all (a test cuts the network): the console says that in
// words too. A file of the console that gets none still fails the test.
const UNANSWERED_CALL = /^Failed to load resource: net::ERR_/
const API_PATHS = /^\/(api|public)\//

export const test = base.extend<{ guard: void }>({
  guard: [
    async ({ page, baseURL }, use) => {
      const origin = new URL(baseURL ?? '').origin
      const faults: string[] = []
      page.on('request', (sent) => {
        const url = new URL(sent.url())
        if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) {
          faults.push(`request leaving the origin: ${sent.url()}`)
        }
      })
      page.on('response', (answer) => {
        const url = new URL(answer.url())
        if (answer.status() >= 400 && url.origin === origin && !API_PATHS.test(url.pathname)) {
          faults.push(`file of the console failed: ${answer.status()} ${answer.url()}`)
        }
      })
      page.on('console', (message) => {
        const unansweredCall =
          UNANSWERED_CALL.test(message.text()) && API_PATHS.test(new URL(message.location().url, origin).pathname)
        if (message.type() === 'error' && !REFUSED_CALL.test(message.text()) && !unansweredCall) {
          faults.push(`console error: ${message.text()}`)
        }
      })
      page.on('pageerror', (error) => faults.push(`uncaught error: ${error.message}`))
      // Chromium logs a CSP violation as a console error too; the event also says what.
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`)
        })
      })
      await use()
      expect(faults, 'the page stayed on its origin, obeyed its CSP and logged no error').toEqual([])
    },
    { auto: true },
  ],
})

/** Fails on any serious or critical WCAG 2.1 A/AA violation axe finds on the page as it is. */
export async function expectAccessible(page: Page): Promise<void> {
  // A message fading in or a dialog sliding open is half transparent: axe would judge its
  // colours mid-way. Judge the page once nothing moves (a spinner turns for ever: not that),
  // and once the passing messages have gone: one fading out while axe reads it failed a run.
  await expect(page.locator('.el-message')).toHaveCount(0, { timeout: 15_000 })
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity),
  )
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const violations = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
  expect(violations, 'no serious accessibility violation').toEqual([])
}

const SIZES = [
  { label: 'desktop', width: 1920, height: 1080 },
  { label: 'phone', width: 390, height: 844 },
] as const

/** Screenshots of the whole page on a desktop and on a phone, as `<name>-desktop.png` and
 *  `<name>-phone.png` in GUANJIA_SCREENSHOTS; the page's size is put back afterwards. */
export async function photograph(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const original = page.viewportSize()
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height })
    // Animations run to their end first: a drawer resized to the phone's width is shown
    // at that width, not halfway through its transition.
    await page.screenshot({ path: resolve(SCREENSHOTS, `${name}-${size.label}.png`), fullPage: true, animations: 'disabled' })
  }
  if (original) await page.setViewportSize(original)
}

/** Opens `path` (the sign-in page, or a page that needs a sign-in), signs in through the
 *  form and waits for the console: afterwards the page shows `path`, or the home page. */
export async function signIn(page: Page, username: string, password: string, path = '/'): Promise<void> {
  await page.goto(path)
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page.getByRole('button', { name: '退出' })).toBeVisible()
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出' }).click()
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible()
}

/** The page's main menu (the side menu; on a phone, the bar under the header). */
export function mainMenu(page: Page) {
  return page.getByRole('navigation', { name: '主菜单' })
}

async function tokenOf(username: string, password: string): Promise<string> {
  const context = await request.newContext({ baseURL: process.env.GUANJIA_CONSOLE_URL })
  try {
    const answer = await context.post('/api/v1/auth/token', {
      form: { grant_type: 'password', username, password },
    })
    expect(answer.status(), await answer.text()).toBe(200)
    return ((await answer.json()) as { access_token: string }).access_token
  } finally {
    await context.dispose()
  }
}

/** An API client acting as `username`, to set up what a test needs (dispose it after).
 *  One connection per call: a test's client sits idle while the browser works, and a
 *  connection reused just as uvicorn closes it after its 5 idle seconds is reset (Node,
 *  unlike a browser, does not send the call again). */
export async function apiAs(username: string, password: string): Promise<APIRequestContext> {
  const token = await tokenOf(username, password)
  return request.newContext({
    baseURL: process.env.GUANJIA_CONSOLE_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${token}`, Connection: 'close' },
  })
}

export interface NewUser {
  id: string
  username: string
  password: string
  display_name: string
  roles: string[]
}

let users = 0

/** A new user with `roles` (and `unit_id`, `department`…), made by the admin. */
export async function newUser(roles: string[], fields: Record<string, unknown> = {}): Promise<NewUser> {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    users += 1
    const body = {
      username: `e2e-${Date.now().toString(36)}-${users}`,
      password: 'e2e-password-1234',
      display_name: `测试用户${users}`,
      roles,
      ...fields,
    }
    const answer = await admin.post('/api/v1/auth/users', { data: body })
    expect(answer.status(), await answer.text()).toBe(201)
    return { ...((await answer.json()) as NewUser), password: body.password }
  } finally {
    await admin.dispose()
  }
}

/** Moves the clock of the whole platform (every service and the gateway) to `moment`, or
 *  back to the real present without one; resolves once every process follows it. The
 *  browser's clock stays: the console takes "today" from the server's answers. */
export async function moveClock(moment?: Date): Promise<void> {
  const offset_seconds = moment ? (moment.getTime() - Date.now()) / 1000 : 0
  const clock = await request.newContext()
  try {
    const answer = await clock.post(process.env.GUANJIA_CLOCK_URL ?? '', { data: { offset_seconds } })
    expect(answer.status(), await answer.text()).toBe(200)
  } finally {
    await clock.dispose()
  }
}

/** Waits until `check` passes (it throws or fails an expect until then). */
export async function eventually(check: () => Promise<void> | void, timeout = 15_000): Promise<void> {
  await expect(async () => {
    await check()
  }).toPass({ timeout, intervals: [100, 250, 500, 1000] })
}

export interface Desk {
  department: string
  commitment: { code: string; name: string }
  staff: NewUser
  agent: NewUser
  head: NewUser
}

/** A department of its own with a published commitment, a unit's staff member, an agent
 *  and the head of the department: each test's tickets are its own. */
export async function newDesk(): Promise<Desk> {
  const suffix = randomUUID().slice(0, 8)
  const department = `物业管理处${suffix}`
  const commitment = { code: `E2E-${suffix}`, name: `办公室空调维修${suffix}` }
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const created = await admin.post('/api/v1/ticket/commitments', {
      data: {
        ...commitment,
        category: '维修',
        department,
        response_minutes: 30,
        resolve_hours: 16,
      },
    })
    expect(created.status(), await created.text()).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const published = await admin.post(`/api/v1/ticket/commitments/${id}/publish`)
    expect(published.status(), await published.text()).toBe(200)
  } finally {
    await admin.dispose()
  }
  const [staff, agent, head] = await Promise.all([
    newUser(['unit_staff'], { unit_id: randomUUID() }),
    newUser(['agent'], { department }),
    newUser(['dept_head'], { department }),
  ])
  return { department, commitment, staff, agent, head }
}

export async function fileByApi(desk: Desk, title: string): Promise<string> {
  const staff = await apiAs(desk.staff.username, desk.staff.password)
  try {
    const answer = await staff.post('/api/v1/ticket/tickets', {
      data: { channel: 'online', requester: {}, commitment_code: desk.commitment.code, title },
    })
    expect(answer.status(), await answer.text()).toBe(201)
    return ((await answer.json()) as { id: string }).id
  } finally {
    await staff.dispose()
  }
}

/** A message rule, made by the admin: each new request of `department` is told to its agents
 *  (in the console inbox only). Answers the rule. */
export async function ruleForNewRequests(department: string): Promise<{ id: string; name: string }> {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const made = await admin.post('/api/v1/notify/rules', {
      data: {
        name: `新申请：告知${department}的工作人员`,
        event_type: 'ticket.ticket.created',
        conditions: [{ field: 'department', one_of: [department] }],
        recipients: [{ role: 'agent', department_field: 'department' }],
        topic: 'ticket.created',
        subject: '新的服务申请：{title}',
        text: '{department}收到新的服务申请「{title}」，请及时受理。',
        link: '/tickets/{id}',
      },
    })
    expect(made.status(), await made.text()).toBe(201)
    return (await made.json()) as { id: string; name: string }
  } finally {
    await admin.dispose()
  }
}
