// The console inbox in a browser against the real platform: a rule the admin keeps tells a
// department's agents of each new request; an agent with the console open sees the bell
// count up and a notice without reloading, opens the message (which takes them to the
// ticket and marks it read), and finds the count down again.
import {
  ADMIN_PASSWORD,
  apiAs,
  expect,
  expectAccessible,
  fileByApi,
  mainMenu,
  newDesk,
  photograph,
  signIn,
  test,
} from './support'

async function ruleForNewRequests(department: string): Promise<void> {
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
  } finally {
    await admin.dispose()
  }
}

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
