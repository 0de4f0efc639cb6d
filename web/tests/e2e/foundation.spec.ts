// The console's frame: signing in and out, who sees which menu, deep links, an ended token.
import {
  ADMIN_PASSWORD,
  expect,
  expectAccessible,
  mainMenu,
  newUser,
  photograph,
  signIn,
  signOut,
  test,
} from './support'

const PUBLIC_LINKS = ['服务承诺公示', '满意度评价结果']

const MENUS: { role: string; home: string; links: string[] }[] = [
  { role: 'unit_staff', home: '/requests', links: ['提交申请', '我的申请', '单位与用房', '楼宇', '房屋修缮', '职工住房', '清查盘点', '制度与流程', '突发事件', '应急预案'] },
  { role: 'agent', home: '/desk', links: ['工单处理', '工作台账', '领导过问', '主题活动', '制度与流程', '待学习制度', '制度清理', '纠正措施', '内部审核', '质量目标', '管理评审', '突发事件', '应急预案', '应急物资', '演练与培训', '应急准备情况'] },
  { role: 'dept_head', home: '/desk', links: ['工单处理', '催办与升级', '部门报表', '单位与用房', '楼宇', '房产变更登记', '工作台账', '领导过问', '主题活动', '年度考核', '制度与流程', '待学习制度', '制度清理', '纠正措施', '内部审核', '质量目标', '管理评审', '突发事件', '应急预案', '应急物资', '演练与培训', '应急准备情况'] },
  { role: 'leader', home: '/cockpit', links: ['领导驾驶舱', '催办与升级', '部门报表', '单位与用房', '楼宇', '房产变更登记', '办公用房核定', '房屋修缮', '职工住房', '清查盘点', '工作台账', '领导过问', '主题活动', '年度考核', '制度与流程', '待学习制度', '制度清理', '纠正措施', '内部审核', '质量目标', '管理评审', '突发事件', '应急预案', '应急物资', '演练与培训', '应急准备情况'] },
  {
    role: 'admin',
    home: '/admin/users',
    links: ['领导驾驶舱', '单位与用房', '楼宇', '房产变更登记', '办公用房核定', '房屋修缮', '职工住房', '清查盘点', '房产资料导入', '工作台账', '领导过问', '主题活动', '年度考核', '制度与流程', '待学习制度', '制度清理', '纠正措施', '内部审核', '质量目标', '管理评审', '突发事件', '应急预案', '应急物资', '演练与培训', '应急准备情况', '用户', 'API 客户端', '承诺服务', '工作日历', '通知规则', '消息记录'],
  },
  { role: 'auditor', home: '/assets/compliance', links: ['单位与用房', '楼宇', '房产变更登记', '办公用房核定', '房屋修缮', '职工住房', '清查盘点', '工作台账', '领导过问', '主题活动', '年度考核', '制度与流程', '待学习制度', '制度清理', '纠正措施', '内部审核', '质量目标', '管理评审', '突发事件', '应急预案', '应急物资', '演练与培训', '应急准备情况'] },
  { role: 'commander', home: '/emergency', links: ['工作台账', '领导过问', '主题活动', '制度与流程', '待学习制度', '制度清理', '纠正措施', '内部审核', '质量目标', '管理评审', '突发事件', '应急预案', '应急物资', '演练与培训', '应急准备情况'] },
]

test('the sign-in page asks for a username and a password', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible()
  await expect(page.getByLabel('用户名')).toBeVisible()
  await expect(page.getByLabel('密码')).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'sign-in')
})

test('a wrong password is refused in words, and nobody is signed in', async ({ page }) => {
  await page.goto('/')
  await page.getByLabel('用户名').fill('admin')
  await page.getByLabel('密码').fill('not-the-password')
  await page.getByRole('button', { name: '登录' }).click()

  await expect(page.getByRole('alert')).toContainText('用户名或密码不正确')
  await expect(page.getByRole('alert')).toContainText('the username or password is wrong')
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByLabel('密码')).toHaveValue('')
  await expectAccessible(page)
  await photograph(page, 'sign-in-refused')
})

for (const { role, home, links } of MENUS) {
  test(`${role} lands on ${home} and sees only their menu`, async ({ page }) => {
    const person = role === 'admin' ? { username: 'admin', password: ADMIN_PASSWORD } : await newUser([role])

    await signIn(page, person.username, person.password)

    await expect(page).toHaveURL(new RegExp(`${home}$`))
    // Everyone who signs in has an inbox, after their own screens.
    await expect(mainMenu(page).getByRole('link')).toHaveText([...links, '消息中心', '联系方式与通知', ...PUBLIC_LINKS])
    await expectAccessible(page)
    await photograph(page, `layout-${role}`)
  })
}

test('every screen of a menu opens from it', async ({ page }) => {
  const head = await newUser(['dept_head'])
  await signIn(page, head.username, head.password)

  for (const [link, title] of [
    ['催办与升级', '催办与升级'],
    ['部门报表', '部门报表'],
    ['工单处理', '工单处理'],
  ]) {
    await mainMenu(page).getByRole('link', { name: link }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
    await expect(mainMenu(page).getByRole('link', { name: link })).toHaveAttribute('aria-current', 'page')
  }
})

test('on a phone the menu is a bar that scrolls sideways, reached with the keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await signIn(page, 'admin', ADMIN_PASSWORD)
  const last = mainMenu(page).getByRole('link', { name: '满意度评价结果' })
  await expect(last).not.toBeInViewport()

  // Every link of the admin's menu may come before it, and the header's controls.
  for (let presses = 0; presses < 60 && !(await last.evaluate((link) => link === document.activeElement)); presses++) {
    await page.keyboard.press('Tab')
  }

  await expect(last).toBeFocused()
  await expect(last).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/ratings$/)
  await expect(page).toHaveTitle('满意度评价结果 - 机关事务管理局 · 管家')
})

test('a deep link while signed out comes back after signing in', async ({ page }) => {
  await page.goto('/admin/clients')
  await expect(page).toHaveURL(/\/\?next=\/admin\/clients$/)

  await page.getByLabel('用户名').fill('admin')
  await page.getByLabel('密码').fill(ADMIN_PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()

  await expect(page).toHaveURL(/\/admin\/clients$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API 客户端')
  await expect(page).toHaveTitle('API 客户端 - 机关事务管理局 · 管家')
})

test('a screen of another role sends to one’s home', async ({ page }) => {
  const staff = await newUser(['unit_staff'])

  await signIn(page, staff.username, staff.password, '/admin/users')

  await expect(page).toHaveURL(/\/requests$/)
  await expect(mainMenu(page).getByRole('link', { name: '用户' })).toHaveCount(0)
})

test('signing out forgets the person: the console asks for a sign-in again', async ({ page }) => {
  await signIn(page, 'admin', ADMIN_PASSWORD)
  await expect(page.getByTestId('user-name')).toHaveText('管理员')
  await mainMenu(page).getByRole('link', { name: 'API 客户端' }).click()

  await signOut(page)
  await page.goBack()

  await expect(page.getByRole('button', { name: '登录' })).toBeVisible()
  await expect(page).toHaveURL(/\/\?next=\/admin\/users$/)
})

test('an ended token asks for a sign-in, then returns to the page', async ({ page }) => {
  await page.clock.install()
  const head = await newUser(['dept_head'])
  await signIn(page, head.username, head.password)

  await page.clock.fastForward('16:00')
  await mainMenu(page).getByRole('link', { name: '部门报表' }).click()

  await expect(page).toHaveURL(/\/\?next=\/desk\/report$/)
  await page.getByLabel('用户名').fill(head.username)
  await page.getByLabel('密码').fill(head.password)
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('部门报表')
})

test('an unknown address says so in words', async ({ page }) => {
  await page.goto('/no-such-page')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在')
  await expectAccessible(page)
})
