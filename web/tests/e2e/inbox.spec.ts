// The console inbox in a browser against the real platform: a rule the admin keeps tells a
// department's agents of each new request; an agent with the console open sees the bell
// count up and a notice without reloading, opens the message (which takes them to the
// ticket and marks it read), and finds the count down again. A person verifies their mobile
// with the code the platform texts (through the stack's SMS provider) and picks channels.
import { request, type Page } from '@playwright/test'
import {
  apiAs,
  eventually,
  expect,
  expectAccessible,
  fileByApi,
  mainMenu,
  newDesk,
  newUser,
  photograph,
  ruleForNewRequests,
  signIn,
  test,
} from './support'

test('a new request reaches the agents’ open consoles, and opening it leads to the ticket', async ({ page }) => {
  const desk = await newDesk()
  await ruleForNewRequests(desk.department)

  await signIn(page, desk.agent.username, desk.agent.password)
  const bell = page.getByTestId('inbox-bell')
  await expect(bell).toHaveAttribute('aria-label', '消息中心')

  // Filed while the agent's console is open: the bell counts it, a notice says what it is.
  const title = '五楼卫生间水龙头漏水'
  const ticketId = await fileByApi(desk, title)
  await expect(bell).toHaveAttribute('aria-label', '消息中心，1 条未读', { timeout: 20_000 })
  const notice = page.locator('.el-notification')
  await expect(notice).toContainText('您有一条新消息')
  await expect(notice).toContainText(`新的服务申请：${title}`)
  await photograph(page, 'inbox-notice')

  await mainMenu(page).getByRole('link', { name: '消息中心' }).click()
  await expect(page.getByRole('heading', { name: '消息中心', level: 1 })).toBeVisible()
  const item = page.getByTestId('inbox-item').filter({ hasText: title })
  await expect(item).toContainText('未读')
  await expect(item).toContainText(`${desk.department}收到新的服务申请「${title}」，请及时受理。`)
  await expect(page.locator('.el-notification')).toHaveCount(0, { timeout: 15_000 })
  await expectAccessible(page)
  await photograph(page, 'inbox-unread')

  await item.getByRole('button', { name: '查看' }).click()
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticketId}$`))
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await expect(bell).toHaveAttribute('aria-label', '消息中心')

  await bell.click()
  await expect(page.getByTestId('inbox-item').filter({ hasText: title })).toContainText('已读')
  await page.getByTestId('inbox-unread-only').click()
  await expect(page.getByText('没有未读消息。')).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'inbox-all-read')
})

/** The code texted to `mobile`, as the SMS provider the platform sends through has it. */
async function codeTextedTo(mobile: string): Promise<string> {
  let code = ''
  await eventually(async () => {
    const provider = await request.newContext()
    try {
      const texts = (await (await provider.get(process.env.GUANJIA_SMS_URL ?? '')).json()) as {
        mobile: string
        content: string
      }[]
      const mine = texts.filter((text) => text.mobile === mobile)
      expect(mine.length).toBeGreaterThan(0)
      code = /验证码是 (\d{6})/.exec(mine[mine.length - 1]!.content)?.[1] ?? ''
      expect(code).toMatch(/^\d{6}$/)
    } finally {
      await provider.dispose()
    }
  }, 30_000)
  return code
}

test('a person verifies their mobile with the code texted to it and chooses how each kind of message reaches them', async ({
  page,
}) => {
  const person = await newUser(['agent'], { department: '安全保卫处' })
  const mobile = `139${String(Date.now()).slice(-8)}`
  await signIn(page, person.username, person.password)
  await mainMenu(page).getByRole('link', { name: '联系方式与通知' }).click()
  await expect(page.getByRole('heading', { name: '联系方式与通知', level: 1 })).toBeVisible()
  const card = page.getByTestId('contact-mobile')
  await expect(card).toContainText('未登记')
  await expect(page.getByText('您尚未验证任何联系方式')).toBeVisible()

  await card.getByLabel('登记').fill(mobile)
  await card.getByRole('button', { name: '发送验证码' }).click()
  await expect(card.getByText(`请输入发送到 ${mobile} 的验证码`)).toBeVisible()
  await settle(page)
  await expectAccessible(page)
  await photograph(page, 'contacts-code-sent')

  await card.getByLabel(/请输入发送到/).fill(await codeTextedTo(mobile))
  await card.getByRole('button', { name: '验证', exact: true }).click()
  await expect(card).toContainText('使用中')
  await expect(card).toContainText(mobile)
  await expect(page.getByText('您尚未验证任何联系方式')).toBeHidden()

  // Ticket reminders: 企业微信 only, no text messages.
  const reminders = page.getByTestId('preference-ticket.escalation')
  for (const channel of ['手机短信', '电子邮箱']) {
    await reminders.getByText(channel).click()
    await expect(reminders.getByRole('checkbox', { name: channel })).not.toBeChecked()
  }
  await page.getByRole('button', { name: '保存通知方式' }).click()
  await expect(page.getByText('通知方式已保存')).toBeVisible()
  await settle(page)
  await expectAccessible(page)
  await photograph(page, 'contacts-verified')

  const api = await apiAs(person.username, person.password)
  try {
    const saved = (await (await api.get('/api/v1/auth/me/preferences')).json()) as {
      topics: { topic: string; channels: string[] }[]
    }
    expect(saved.topics.find((entry) => entry.topic === 'ticket.escalation')?.channels).toEqual(['wecom'])
    expect(saved.topics.find((entry) => entry.topic === 'emergency.task')?.channels).toEqual(['mobile', 'email', 'wecom'])
  } finally {
    await api.dispose()
  }
})

/** Waits until passing messages have gone and nothing moves (a fading message is faint). */
async function settle(page: Page): Promise<void> {
  await expect(page.locator('.el-message')).toHaveCount(0, { timeout: 15_000 })
}
