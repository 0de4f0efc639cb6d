"""The incident types every database starts with (migration 0002 inserts them).

The twelve kinds of event a bureau keeping the city's offices, canteens and compounds
faces; each has a special plan seeded beside it (plans/seed_plans.py). Changing this list
changes only databases made afterwards: an existing one needs a new migration.
"""

SEEDED_INCIDENT_TYPES: tuple[tuple[str, str], ...] = (
    ("fire", "火灾"),
    ("power_outage", "停电"),
    ("water_outage", "停水"),
    ("gas_leak", "燃气泄漏"),
    ("lift_entrapment", "电梯困人"),
    ("rainstorm_flood", "暴雨洪涝"),
    ("snow_freeze", "雨雪冰冻"),
    ("earthquake", "地震"),
    ("public_health", "公共卫生事件"),
    ("food_safety", "食品安全（机关食堂）"),
    ("it_outage", "信息系统故障"),
    ("security_gathering", "治安及群体性事件"),
)
