// Words of the public pages (no sign-in): the board, rating one ticket, the ratings.
export default {
  board: { title: '服务承诺公示' },
  rate: { title: '服务评价', submit: '提交' },
  ratings: { title: '满意度评价结果' },
}
