// Words of the administration screens.
export default {
  users: { title: '用户管理' },
  clients: { title: 'API 客户端' },
  commitments: { title: '承诺服务' },
  calendars: { title: '工作日历' },
}
