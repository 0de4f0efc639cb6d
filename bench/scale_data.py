"""The city the scale benchmark runs on: 10 000 units, 1 000 000 rooms and 1 000 000 tickets
on PostgreSQL, in two throw-away databases (asset-svc's and ticket-svc's, each migrated by
its own Alembic scripts), written server-side with INSERT … SELECT FROM generate_series.

What the rows look like, and why:
- Units form a tree by level: 2% municipal (roots), 18% county under them, 80% township
  under those. Each unit owns one building of `rooms / units` rooms; 60% of the rooms are
  office rooms (12–30 m²), the rest service, equipment, ancillary, parking and so on.
- Occupancy is kept as asset-svc keeps it: the change register (an acquire per building,
  allocations, and for 5% of the rooms an earlier holder and a later reallocation) with a
  change_rooms row per room moved, and today's answer on rooms.occupant_unit_id. 85% of a
  building's rooms go to its owner, 5% to another unit, 10% stand empty.
- Staffing by rank of the unit's level (the standards are the 2014 ones the migration
  seeds), sized from the unit's office area so that about one unit in six is over its
  standard; one unit in five has an older staffing record as well.
- Tickets over 40 commitments of 10 departments (skewed: a few commitments get most),
  requested by the units, owned by 50 agents per department: 90% closed over two years,
  the rest open from the last 20 days. Their history lines (created, started, resolved,
  confirmed, closed …) are written as the service writes them. The SLA columns of this
  bulk are wall-clock approximations of the working-time figures (the lists read them,
  the scheduler never looks at these tickets again): closed tickets have no next check,
  open ones their next one ahead of the tick.
- The tickets due at the tick (200 at full scale) are made by ticket-svc itself:
  their histories are written and `settle_clocks` works out their columns, so the tick
  finds exactly what it would in service: new tickets past their response warning,
  tickets in progress past their resolution warning, resolved ones whose confirmation
  is due, and coordinations past their deadline.

The tick moment is the Wednesday 10:00 (Asia/Shanghai) before the data was made, kept in
the ticket database's `bench_scale_meta` with the sizes; `bench_due` keeps the due
tickets as they were, so that `reset_due_tickets` puts them back between two ticks.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from asset_svc.database import MIGRATIONS as ASSET_MIGRATIONS
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.migrations import upgrade_database_async
from ticket_svc.calendars.working_time import (
    WorkingCalendar,
    end_of_working_days,
    working_time_between,
)
from ticket_svc.config import Settings as TicketSettings
from ticket_svc.database import MIGRATIONS as TICKET_MIGRATIONS
from ticket_svc.tickets.clocks import SlaPolicy, settle_clocks
from ticket_svc.tickets.models import Coordination, Ticket, TicketEvent

FULL_UNITS = 10_000
FULL_ROOMS = 1_000_000
FULL_TICKETS = 1_000_000
FULL_DUE = 200
BUREAU_ZONE = ZoneInfo("Asia/Shanghai")
DEPARTMENTS = (
    "后勤服务中心",
    "财务处",
    "房产管理处",
    "机关事务科",
    "车辆管理处",
    "公共机构节能处",
    "办公室",
    "人事处",
    "信息中心",
    "安全保卫处",
)
COMMITMENTS = 40
AGENTS_PER_DEPARTMENT = 50
# The commitment the due tickets are opened under: 60 working minutes to respond, 8 to resolve.
DUE_COMMITMENT = 1
# A bulk ticket's wall-clock time is about this many times its working time (35 working
# hours in a 168-hour week, less the nights of the days it spans).
WALL_PER_WORKING = 3
AS_OF_PAST = dt.date(2021, 6, 30)


@dataclass(frozen=True)
class Sizes:
    units: int
    rooms: int
    tickets: int
    due: int

    @classmethod
    def at_scale(cls, scale: float) -> Sizes:
        units = max(20, round(FULL_UNITS * scale))
        tickets = max(1_000, round(FULL_TICKETS * scale))
        return cls(
            units=units,
            rooms=max(units * 10, round(FULL_ROOMS * scale)),
            tickets=tickets,
            due=min(FULL_DUE, tickets // 50),
        )


def bench_id(kind: int, number: int) -> str:
    """A stable UUID-shaped id per kind of row, the same one the SQL `bench_id` makes."""
    return f"{kind:08d}-0000-4000-8000-{number:012x}"


UNIT, BUILDING, ROOM, TICKET, COMMITMENT, AGENT, COORDINATION = 1, 2, 3, 5, 6, 7, 8
# A change's id: (40 + its place among its building's five) and the building's number.
CHANGE_BASE = 40

BENCH_ID_FUNCTION = """
CREATE FUNCTION pg_temp.bench_id(kind int, number bigint) RETURNS varchar
LANGUAGE sql IMMUTABLE AS
$$ SELECT lpad(kind::text, 8, '0') || '-0000-4000-8000-' || lpad(to_hex(number), 12, '0') $$
"""


def tick_moment(made_at: dt.datetime) -> dt.datetime:
    """The Wednesday 10:00 in the bureau's zone before `made_at`: a working moment with
    working days before it, so every kind of due ticket has a history that fits."""
    local = made_at.astimezone(BUREAU_ZONE)
    day = local.date() - dt.timedelta(days=(local.weekday() - 2) % 7 or 7)
    return dt.datetime.combine(day, dt.time(10), tzinfo=BUREAU_ZONE)


def database_names(name: str) -> tuple[str, str]:
    return f"guanjia_scale_{name}_asset", f"guanjia_scale_{name}_ticket"


def database_url(server: str, database: str) -> str:
    return make_url(server).set(database=database).render_as_string(hide_password=False)


async def _admin(server: str, statements: list[str]) -> list:
    engine = create_async_engine(make_url(server), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            results = [await connection.execute(text(sql)) for sql in statements]
            return [result.all() if result.returns_rows else [] for result in results]
    finally:
        await engine.dispose()


async def databases_exist(server: str, name: str) -> bool:
    names = "', '".join(database_names(name))
    [rows] = await _admin(server, [f"SELECT datname FROM pg_database WHERE datname IN ('{names}')"])
    return len(rows) == 2


async def drop_databases(server: str, name: str) -> None:
    await _admin(
        server,
        [f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)' for db in database_names(name)],
    )


async def create_databases(server: str, name: str) -> tuple[str, str]:
    """Two empty databases, migrated: asset-svc's and ticket-svc's."""
    await drop_databases(server, name)
    await _admin(server, [f'CREATE DATABASE "{db}"' for db in database_names(name)])
    asset, ticket = (database_url(server, db) for db in database_names(name))
    await upgrade_database_async(ASSET_MIGRATIONS, asset)
    await upgrade_database_async(TICKET_MIGRATIONS, ticket)
    return asset, ticket


async def _run(connection: AsyncConnection, *statements: str) -> None:
    for statement in statements:
        await connection.execute(text(statement))


def _stamp(moment: dt.datetime) -> str:
    return f"TIMESTAMPTZ '{moment.isoformat()}'"


async def _prepare(connection: AsyncConnection) -> None:
    # A throw-away database: losing the last commits on a crash costs nothing.
    await _run(
        connection,
        "SET synchronous_commit = off",
        "SET maintenance_work_mem = '256MB'",
        "SELECT setseed(0.42)",
        BENCH_ID_FUNCTION,
    )


async def generate_assets(url: str, sizes: Sizes, made_at: dt.datetime) -> None:
    units, rooms = sizes.units, sizes.rooms
    municipal = max(1, units // 50)
    county = max(1, units * 18 // 100)
    stamp = _stamp(made_at)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await _prepare(connection)
            await _run(
                connection,
                f"""
INSERT INTO units (id, code, name, parent_id, level, version, created_at, updated_at)
SELECT pg_temp.bench_id({UNIT}, i), 'U' || lpad(i::text, 6, '0'),
       CASE WHEN i <= {municipal} THEN '市直单位' WHEN i <= {municipal + county} THEN '县直单位'
            ELSE '乡镇单位' END || i,
       CASE WHEN i <= {municipal} THEN NULL
            WHEN i <= {municipal + county} THEN pg_temp.bench_id({UNIT}, 1 + i % {municipal})
            ELSE pg_temp.bench_id({UNIT}, {municipal} + 1 + i % {county}) END,
       CASE WHEN i <= {municipal} THEN 'municipal' WHEN i <= {municipal + county} THEN 'county'
            ELSE 'township' END,
       1, {stamp}, {stamp}
FROM generate_series(1, {units}) AS i""",
                f"""
INSERT INTO buildings (id, name, address, land_parcel_id, owner_unit_id, title_certificate_no,
                       gross_area, usable_area, built_year, use, disposed, version, created_at,
                       updated_at)
SELECT pg_temp.bench_id({BUILDING}, j), '办公楼' || j, '人民路' || j || '号', NULL,
       pg_temp.bench_id({UNIT}, j), '房权证字第' || j || '号', {rooms // units * 30},
       {rooms // units * 24}, 1980 + j % 44, 'office', false, 1, {stamp}, {stamp}
FROM generate_series(1, {units}) AS j""",
                # Room r is the (r / units)-th room of building r % units + 1.
                f"""
INSERT INTO rooms (id, building_id, floor, number, usable_area, kind, leader_office,
                   occupant_unit_id, disposed, version, created_at)
SELECT pg_temp.bench_id({ROOM}, r + 1), pg_temp.bench_id({BUILDING}, j), k / 12 + 1,
       lpad(k::text, 4, '0'),
       round(CASE WHEN kind = 'office' THEN 12 + size * 18 ELSE 8 + size * 60 END::numeric, 1),
       kind, kind = 'office' AND k < 2,
       CASE WHEN held < 0.85 THEN pg_temp.bench_id({UNIT}, j)
            WHEN held < 0.90 THEN pg_temp.bench_id({UNIT}, (j + 36) % {units} + 1) END,
       false, CASE WHEN held < 0.90 THEN 2 ELSE 1 END, {stamp}
FROM (
    SELECT r, r % {units} + 1 AS j, r / {units} AS k, random() AS size, random() AS held,
           CASE WHEN pick < 0.60 THEN 'office' WHEN pick < 0.75 THEN 'service'
                WHEN pick < 0.83 THEN 'equipment' WHEN pick < 0.93 THEN 'ancillary'
                WHEN pick < 0.96 THEN 'parking' WHEN pick < 0.98 THEN 'residential'
                ELSE 'other' END AS kind
    FROM (SELECT r, random() AS pick FROM generate_series(0, {rooms - 1}) AS r) AS picked
) AS room""",
                # Per building: 1 acquire, 2 allocate to the owner, 3 allocate to another
                # unit, 4 allocate to an earlier holder, 5 reallocate from it to the owner.
                f"""
INSERT INTO property_changes (id, seq, type, building_id, unit_id, from_unit_id,
                              effective_date, recorded_at, actor_id, document_no, reason,
                              corrects_change_id)
SELECT lpad(({CHANGE_BASE} + n)::text, 8, '0') || substr(pg_temp.bench_id({BUILDING}, j), 9),
       (j - 1) * 5 + n,
       (ARRAY['acquire', 'allocate', 'allocate', 'allocate', 'reallocate'])[n],
       pg_temp.bench_id({BUILDING}, j),
       CASE n WHEN 3 THEN pg_temp.bench_id({UNIT}, (j + 36) % {units} + 1)
              WHEN 4 THEN pg_temp.bench_id({UNIT}, (j + 100) % {units} + 1)
              ELSE pg_temp.bench_id({UNIT}, j) END,
       CASE WHEN n = 5 THEN pg_temp.bench_id({UNIT}, (j + 100) % {units} + 1) END,
       CASE WHEN n = 5 THEN DATE '2020-01-01' + j % 1000
            ELSE DATE '2010-01-01' + j % 1500 + (n - 1) * 30 END,
       {stamp}, 'bench', '机管发〔' || (2010 + n) || '〕' || j || '号',
       (ARRAY['购建', '分配', '分配', '分配', '调剂'])[n], NULL
FROM generate_series(1, {units}) AS j, generate_series(1, 5) AS n""",
                f"""
INSERT INTO change_rooms (change_id, room_id, occupant_after)
SELECT lpad(({CHANGE_BASE} + place)::text, 8, '0') || substr(building_id, 9), id, holder
FROM (
    SELECT room.id, room.building_id,
           CASE WHEN room.occupant_unit_id <> building.owner_unit_id THEN 3
                WHEN room.number::int % 20 = 7 THEN 4 ELSE 2 END AS place,
           CASE WHEN room.occupant_unit_id = building.owner_unit_id
                     AND room.number::int % 20 = 7
                THEN (SELECT unit_id FROM property_changes
                      WHERE id = '{CHANGE_BASE + 4:08d}' || substr(room.building_id, 9))
                ELSE room.occupant_unit_id END AS holder
    FROM rooms AS room JOIN buildings AS building ON building.id = room.building_id
    WHERE room.occupant_unit_id IS NOT NULL
    UNION ALL
    SELECT room.id, room.building_id, 5, room.occupant_unit_id
    FROM rooms AS room JOIN buildings AS building ON building.id = room.building_id
    WHERE room.occupant_unit_id = building.owner_unit_id AND room.number::int % 20 = 7
) AS moved""",
                f"""
INSERT INTO staffing_records (id, unit_id, recorded_at, actor_id)
SELECT {units} + i, pg_temp.bench_id({UNIT}, i),
       TIMESTAMPTZ '2022-01-01 09:00+08' + (i % 365) * INTERVAL '1 day', 'bench'
FROM generate_series(1, {units}) AS i
UNION ALL
SELECT i, pg_temp.bench_id({UNIT}, i), TIMESTAMPTZ '2019-01-01 09:00+08', 'bench'
FROM generate_series(5, {units}, 5) AS i""",
                f"SELECT setval(pg_get_serial_sequence('staffing_records', 'id'), {2 * units})",
                """
INSERT INTO staffing_headcounts (record_id, rank, headcount)
SELECT record.id, standard.rank,
       CASE standard.rank WHEN 'head' THEN 1 WHEN 'deputy' THEN 2 + record.id % 3
            ELSE 2 + record.id % 5 END
FROM staffing_records AS record
JOIN units AS unit ON unit.id = record.unit_id
JOIN space_standards AS standard ON standard.level = unit.level AND standard.rank <> 'staff'""",
                # Staff sized so the standard is 0.9–1.5 × the office area the unit holds.
                """
INSERT INTO staffing_headcounts (record_id, rank, headcount)
SELECT record.id, 'staff',
       greatest(2, round((coalesce(held.area, 0) * (0.9 + (record.id % 61) / 100.0)
                          - leaders.area) / standard.area_per_person))::int
FROM staffing_records AS record
JOIN units AS unit ON unit.id = record.unit_id
JOIN space_standards AS standard ON standard.level = unit.level AND standard.rank = 'staff'
JOIN (
    SELECT headcount.record_id, sum(headcount.headcount * rank.area_per_person) AS area
    FROM staffing_headcounts AS headcount
    JOIN staffing_records AS of_record ON of_record.id = headcount.record_id
    JOIN units AS of_unit ON of_unit.id = of_record.unit_id
    JOIN space_standards AS rank ON rank.level = of_unit.level AND rank.rank = headcount.rank
    GROUP BY headcount.record_id
) AS leaders ON leaders.record_id = record.id
LEFT JOIN (
    SELECT occupant_unit_id, sum(usable_area) AS area FROM rooms
    WHERE kind = 'office' AND occupant_unit_id IS NOT NULL GROUP BY occupant_unit_id
) AS held ON held.occupant_unit_id = record.unit_id""",
                # The figures asset-svc keeps per unit as each change is made (and its
                # migration 0008 fills for units that existed before it).
                f"""
INSERT INTO unit_space_statuses (unit_id, status, checked_at, office_area, headcounts)
SELECT unit.id, 'within', {stamp}, round(coalesce(held.area, 0)::numeric, 2),
       coalesce(staffed.headcounts, '{{}}'::json)
FROM units AS unit
LEFT JOIN (
    SELECT occupant_unit_id, sum(usable_area) AS area FROM rooms
    WHERE kind = 'office' AND occupant_unit_id IS NOT NULL AND disposed IS false
    GROUP BY occupant_unit_id
) AS held ON held.occupant_unit_id = unit.id
LEFT JOIN (
    SELECT record.unit_id, json_object_agg(headcount.rank, headcount.headcount) AS headcounts
    FROM staffing_records AS record
    JOIN staffing_headcounts AS headcount ON headcount.record_id = record.id
    WHERE record.id = (SELECT max(id) FROM staffing_records AS later
                       WHERE later.unit_id = record.unit_id)
    GROUP BY record.unit_id
) AS staffed ON staffed.unit_id = unit.id""",
            )
    finally:
        await engine.dispose()


def _commitment_rows() -> str:
    rows = []
    for number in range(1, COMMITMENTS + 1):
        department = DEPARTMENTS[(number - 1) % len(DEPARTMENTS)]
        response = (30, 60, 120, 240)[number % 4]
        resolve = (8, 16, 40, 80)[(number // 4) % 4]
        rows.append(
            f"('{bench_id(COMMITMENT, number)}', 'C{number:02d}', '服务承诺{number}', "
            f"'repair', '{department}', {response}, {resolve}, NULL, true, 1)"
        )
    return ",\n".join(rows)


def _department_rows() -> str:
    return ", ".join(f"({index}, '{name}')" for index, name in enumerate(DEPARTMENTS))


async def generate_tickets(url: str, sizes: Sizes, at: dt.datetime) -> None:
    bulk = sizes.tickets - sizes.due
    tick = _stamp(at)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await _prepare(connection)
            await _run(
                connection,
                "CREATE TEMPORARY TABLE departments (idx int, name text) ON COMMIT DROP",
                f"INSERT INTO departments VALUES {_department_rows()}",
                f"""
INSERT INTO commitments (id, code, name, category, department, response_minutes,
                         resolve_hours, calendar_id, published, version)
VALUES {_commitment_rows()}""",
                """
INSERT INTO commitment_versions (commitment_id, version, name, category, department,
                                 response_minutes, resolve_hours, calendar_id, created_at,
                                 created_by)
SELECT id, 1, name, category, department, response_minutes, resolve_hours, calendar_id,
       TIMESTAMPTZ '2020-01-01 09:00+08', 'bench'
FROM commitments""",
                f"""
INSERT INTO tickets (
    id, title, description, channel, status, requester_name, requester_unit_id,
    requester_phone, building_id, room_id, commitment_id, commitment_code, commitment_version,
    department, calendar_id, response_budget_seconds, resolve_budget_seconds, first_receiver,
    owner, created_at, responded_at, resolved_at, closed_at, response_warn_at,
    response_due_at, response_working_seconds, resolve_warn_at, resolve_due_at,
    resolve_running, resolve_working_seconds, waiting_reason, response_wall_seconds,
    resolve_wall_seconds, confirm_due_at, satisfied, rating, confirm_comment, auto_confirmed,
    reopen_count, dissatisfied_reopens, sla_met, next_check_at, revision)
SELECT pg_temp.bench_id({TICKET}, i), commitment.name || '：' || i || '号请求', '',
       (ARRAY['phone', 'online', 'walk_in', 'hotline', 'letter'])[1 + floor(pick_channel * 5)],
       status, '联系人' || (i % 997),
       pg_temp.bench_id({UNIT}, 1 + floor(pick_unit * {sizes.units})::int),
       '1390000' || lpad((i % 10000)::text, 4, '0'),
       CASE WHEN pick_room < 0.5 THEN pg_temp.bench_id({BUILDING}, room % {sizes.units} + 1) END,
       CASE WHEN pick_room < 0.5 THEN pg_temp.bench_id({ROOM}, room + 1) END,
       commitment.id, commitment.code, 1, commitment.department, NULL,
       response_budget, resolve_budget, receiver, owner, created_at, responded_at, resolved_at,
       CASE WHEN status = 'closed' THEN resolved_at + (0.2 + pick_close * 3) * INTERVAL '1 day' END,
       created_at + response_budget * 0.8 * {WALL_PER_WORKING} * INTERVAL '1 second',
       created_at + response_budget * {WALL_PER_WORKING} * INTERVAL '1 second',
       CASE WHEN responded_at IS NOT NULL
            THEN extract(epoch FROM responded_at - created_at)::int / {WALL_PER_WORKING} END,
       created_at + resolve_budget * 0.8 * {WALL_PER_WORKING} * INTERVAL '1 second',
       CASE WHEN status <> 'waiting_requester'
            THEN created_at + resolve_budget * {WALL_PER_WORKING} * INTERVAL '1 second' END,
       status IN ('new', 'in_progress', 'reopened'),
       extract(epoch FROM coalesce(resolved_at, {tick}) - created_at)::int / {WALL_PER_WORKING},
       CASE WHEN status = 'waiting_requester' THEN '等待申请人提供材料' END,
       extract(epoch FROM responded_at - created_at)::int,
       extract(epoch FROM resolved_at - created_at)::int,
       CASE WHEN status = 'resolved' THEN {tick} + (1 + pick_close * 3) * INTERVAL '1 day' END,
       CASE WHEN status = 'closed' AND pick_close >= 0.15 THEN pick_satisfied >= 0.1 END,
       CASE WHEN status = 'closed' AND pick_close >= 0.15
            THEN CASE WHEN pick_satisfied >= 0.1 THEN 4 + (pick_satisfied > 0.5)::int
                      ELSE 1 + floor(pick_satisfied * 20)::int END END,
       NULL, status = 'closed' AND pick_close < 0.15,
       (status = 'reopened')::int, (status = 'reopened')::int,
       CASE WHEN status IN ('closed', 'resolved')
            THEN responded_at <= created_at
                                 + response_budget * {WALL_PER_WORKING} * INTERVAL '1 second'
                 AND resolved_at <= created_at
                                    + resolve_budget * {WALL_PER_WORKING} * INTERVAL '1 second'
       END,
       CASE WHEN status <> 'closed' THEN {tick} + (1 + pick_next * 239) * INTERVAL '1 hour' END,
       CASE status WHEN 'closed' THEN 5 WHEN 'resolved' THEN 3 WHEN 'new' THEN 1 ELSE 2 END
FROM (
    SELECT picks.*, commitment_number, status,
           pg_temp.bench_id({AGENT}, department.idx * {AGENTS_PER_DEPARTMENT} + 1
                            + floor(pick_owner * {AGENTS_PER_DEPARTMENT})::int) AS owner,
           pg_temp.bench_id({AGENT}, department.idx * {AGENTS_PER_DEPARTMENT} + 1
                            + floor(CASE WHEN pick_receiver < 0.9 THEN pick_owner
                                         ELSE pick_receiver END
                                    * {AGENTS_PER_DEPARTMENT})::int % {AGENTS_PER_DEPARTMENT})
               AS receiver,
           response_minutes * 60 AS response_budget, resolve_hours * 3600 AS resolve_budget,
           created_at,
           CASE WHEN status <> 'new' THEN least(
               created_at + (0.1 + pick_response * 1.1) * response_minutes * 60
                            * {WALL_PER_WORKING} * INTERVAL '1 second',
               {tick} - INTERVAL '2 hours') END AS responded_at,
           CASE WHEN status IN ('closed', 'resolved') THEN least(
               created_at + (0.2 + pick_resolve) * resolve_hours * 3600 * {WALL_PER_WORKING}
                            * INTERVAL '1 second',
               {tick} - INTERVAL '1 hour') END AS resolved_at
    FROM (
        SELECT i, random() AS pick_status, random() AS pick_age, random() AS pick_commitment,
               random() AS pick_response, random() AS pick_resolve, random() AS pick_close,
               random() AS pick_unit, random() AS pick_room, random() AS pick_owner,
               random() AS pick_receiver, random() AS pick_satisfied, random() AS pick_next,
               random() AS pick_channel, floor(random() * {sizes.rooms})::bigint AS room
        FROM generate_series(1, {bulk}) AS i
    ) AS picks
    CROSS JOIN LATERAL (SELECT
        1 + floor({COMMITMENTS} * power(pick_commitment, 1.6))::int AS commitment_number,
        CASE WHEN pick_status < 0.90 THEN 'closed' WHEN pick_status < 0.92 THEN 'resolved'
             WHEN pick_status < 0.96 THEN 'in_progress' WHEN pick_status < 0.97 THEN 'new'
             WHEN pick_status < 0.985 THEN 'waiting_requester' ELSE 'reopened' END AS status
    ) AS drawn
    JOIN commitments AS of_commitment
        ON of_commitment.code = 'C' || lpad(commitment_number::text, 2, '0')
    JOIN departments AS department ON department.name = of_commitment.department
    CROSS JOIN LATERAL (SELECT {tick} - CASE WHEN status = 'closed'
                                            THEN INTERVAL '2 days' + pick_age * INTERVAL '728 days'
                                            ELSE INTERVAL '3 hours' + pick_age * INTERVAL '20 days'
                                       END AS created_at) AS opened
) AS ticket
JOIN commitments AS commitment ON commitment.code = 'C' || lpad(commitment_number::text, 2, '0')
""",
                # The next open deadline, as ticket-svc keeps it (migration 0011): sort=due.
                """
UPDATE tickets SET next_due_at = CASE
    WHEN status IN ('waiting_requester', 'resolved', 'closed') THEN NULL
    WHEN responded_at IS NULL THEN response_due_at
    ELSE resolve_due_at END""",
                # History in the order the service appends it: ids ascend within a ticket.
                """
INSERT INTO ticket_events (ticket_id, kind, actor, at, data)
SELECT id, 'created', first_receiver, created_at, json_build_object('channel', channel)
FROM tickets ORDER BY created_at""",
                """
INSERT INTO ticket_events (ticket_id, kind, actor, at, data)
SELECT id, 'started', owner, responded_at, '{}'::json
FROM tickets WHERE responded_at IS NOT NULL ORDER BY responded_at""",
                """
INSERT INTO ticket_events (ticket_id, kind, actor, at, data)
SELECT id, 'waiting', owner, responded_at + INTERVAL '1 hour',
       json_build_object('reason', waiting_reason)
FROM tickets WHERE status = 'waiting_requester'""",
                """
INSERT INTO ticket_events (ticket_id, kind, actor, at, data)
SELECT id, 'resolved', owner, coalesce(resolved_at, responded_at + INTERVAL '1 hour'),
       json_build_object('resolution', '已处理完毕')
FROM tickets WHERE resolved_at IS NOT NULL OR status = 'reopened'
ORDER BY coalesce(resolved_at, responded_at)""",
                """
INSERT INTO ticket_events (ticket_id, kind, actor, at, data)
SELECT id, 'confirmed', CASE WHEN auto_confirmed THEN NULL ELSE owner END,
       coalesce(closed_at, responded_at + INTERVAL '90 minutes'),
       CASE WHEN auto_confirmed THEN json_build_object('automatic', true)
            ELSE json_build_object('satisfied', coalesce(satisfied, false),
                                   'rating', coalesce(rating, 2), 'comment', NULL::text) END
FROM tickets WHERE status IN ('closed', 'reopened')""",
                """
INSERT INTO ticket_events (ticket_id, kind, actor, at, data)
SELECT id, 'reopened', owner, responded_at + INTERVAL '90 minutes',
       json_build_object('reason', 'dissatisfied')
FROM tickets WHERE status = 'reopened'""",
                """
INSERT INTO ticket_events (ticket_id, kind, actor, at, data)
SELECT id, 'closed', CASE WHEN auto_confirmed THEN NULL ELSE owner END, closed_at, '{}'::json
FROM tickets WHERE status = 'closed'""",
                # 3% of the tickets asked another department for its part.
                f"""
INSERT INTO coordinations (id, ticket_id, department, note, requested_by, requested_at, due_at,
                           status, completed_at, completed_by, result)
SELECT pg_temp.bench_id({COORDINATION}, row_number() OVER ()), ticket.id, other.name,
       '请协助处理', ticket.owner, ticket.responded_at, ticket.responded_at + INTERVAL '2 days',
       CASE WHEN ticket.resolved_at IS NOT NULL THEN 'completed' ELSE 'open' END,
       ticket.resolved_at - INTERVAL '10 minutes',
       CASE WHEN ticket.resolved_at IS NOT NULL THEN 'bench' END,
       CASE WHEN ticket.resolved_at IS NOT NULL THEN '已协助' END
FROM tickets AS ticket
JOIN departments AS own ON own.name = ticket.department
JOIN departments AS other ON other.idx = (own.idx + 3) % {len(DEPARTMENTS)}
WHERE ticket.responded_at IS NOT NULL AND abs(hashtext(ticket.id)) % 100 < 3""",
            )
        await _add_due_tickets(engine, sizes, at, first=bulk + 1)
        async with engine.begin() as connection:
            await _run(
                connection,
                f"""
CREATE TABLE bench_scale_meta AS
SELECT {tick} AS tick_at, {sizes.units} AS units, {sizes.rooms} AS rooms,
       {sizes.tickets} AS tickets, {sizes.due} AS due,
       (SELECT max(id) FROM ticket_events) AS last_event_id""",
                f"CREATE TABLE bench_due AS SELECT * FROM tickets WHERE next_check_at <= {tick}",
            )
    finally:
        await engine.dispose()


def _working_back(calendar: WorkingCalendar, end: dt.datetime, span: dt.timedelta) -> dt.datetime:
    """The latest moment from which `span` of working time has passed by `end`."""
    early, late = end - dt.timedelta(days=60), end
    while late - early > dt.timedelta(seconds=1):
        middle = early + (late - early) / 2
        if working_time_between(calendar, middle, end) >= span:
            early = middle
        else:
            late = middle
    return early.replace(microsecond=0)


async def _add_due_tickets(engine, sizes: Sizes, at: dt.datetime, *, first: int) -> None:
    """The tickets due at the tick, made and settled by ticket-svc's own rules."""
    calendar = WorkingCalendar()
    policy = SlaPolicy.from_settings(TicketSettings())
    factory = create_session_factory(engine, service="ticket")
    minute = dt.timedelta(minutes=1)
    async with factory() as session:
        commitment = (
            await session.execute(
                text(
                    "SELECT id, code, department, response_minutes, resolve_hours "
                    "FROM commitments WHERE code = :code"
                ),
                {"code": f"C{DUE_COMMITMENT:02d}"},
            )
        ).one()
        department = DEPARTMENTS.index(commitment.department)
        for place in range(sizes.due):
            number = first + place
            share = place / sizes.due
            spread = dt.timedelta(seconds=(place * 37) % 600)
            owner = bench_id(AGENT, department * AGENTS_PER_DEPARTMENT + 1 + place % 50)
            history: list[tuple[str, dt.datetime, dict]] = []
            coordination = None
            if share < 0.4:  # new, just past its response warning (48 of 60 minutes)
                created = _working_back(calendar, at, dt.timedelta(minutes=49)) + spread / 60
                status = "new"
            elif share < 0.7:  # in progress, just past its resolution warning (6.4 of 8 h)
                created = _working_back(calendar, at, dt.timedelta(hours=6.5)) + spread / 6
                status = "in_progress"
                history.append(("started", created + 2 * minute, {}))
            elif share < 0.9:  # resolved a week ago, its confirmation due
                created = at - dt.timedelta(days=7, hours=1) - spread
                status = "resolved"
                history.append(("started", created + 5 * minute, {}))
                history.append(("resolved", created + 60 * minute, {"resolution": "已处理完毕"}))
            else:  # in progress, another department's part past its deadline
                created = at - 40 * minute - spread / 60
                status = "in_progress"
                history.append(("started", created + 2 * minute, {}))
                coordination = Coordination(
                    id=bench_id(COORDINATION, 10_000_000 + number),
                    ticket_id=bench_id(TICKET, number),
                    department=DEPARTMENTS[(department + 3) % len(DEPARTMENTS)],
                    note="请协助处理",
                    requested_by=owner,
                    requested_at=created + 5 * minute,
                    due_at=at - minute - spread / 60,
                )
                history.append(
                    (
                        "coordinated",
                        created + 5 * minute,
                        {
                            "coordination_id": coordination.id,
                            "department": coordination.department,
                            "note": coordination.note,
                            "due_at": coordination.due_at.isoformat(),
                        },
                    )
                )
            ticket = Ticket(
                id=bench_id(TICKET, number),
                title=f"服务承诺{DUE_COMMITMENT}：{number}号请求",
                channel="phone",
                status=status,
                requester_name=f"联系人{number % 997}",
                requester_unit_id=bench_id(UNIT, 1 + number % sizes.units),
                commitment_id=commitment.id,
                commitment_code=commitment.code,
                department=commitment.department,
                response_budget_seconds=commitment.response_minutes * 60,
                resolve_budget_seconds=commitment.resolve_hours * 3600,
                first_receiver=owner,
                owner=owner,
                created_at=created,
            )
            if history and history[0][0] == "started":
                ticket.responded_at = history[0][1]
            if status == "resolved":
                ticket.resolved_at = history[-1][1]
                ticket.confirm_due_at = end_of_working_days(
                    calendar, ticket.resolved_at, policy.auto_confirm_working_days
                )
            session.add(ticket)
            await session.flush()
            if coordination is not None:
                session.add(coordination)
            for kind, moment, data in [("created", created, {"channel": "phone"}), *history]:
                session.add(
                    TicketEvent(ticket_id=ticket.id, kind=kind, actor=owner, at=moment, data=data)
                )
            await settle_clocks(session, ticket, policy, calendar)
            if ticket.next_check_at is None or ticket.next_check_at > at:
                raise AssertionError(f"ticket {number} ({status}) is not due at {at}")
        await session.commit()


async def vacuum(url: str) -> None:
    """What autovacuum would have done by the time a table this size is read: statistics
    for the planner and the visibility map for index-only scans."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("VACUUM (ANALYZE)"))
    finally:
        await engine.dispose()


async def generate(server: str, name: str, sizes: Sizes) -> tuple[float, dt.datetime]:
    """Make the two databases afresh; answers the seconds it took and the tick moment."""
    started = time.perf_counter()
    made_at = dt.datetime.now(dt.UTC)
    at = tick_moment(made_at)
    asset, ticket = await create_databases(server, name)
    await generate_assets(asset, sizes, made_at)
    await generate_tickets(ticket, sizes, at)
    for url in (asset, ticket):
        await vacuum(url)
    return time.perf_counter() - started, at


@dataclass(frozen=True)
class Meta:
    tick_at: dt.datetime
    sizes: Sizes
    last_event_id: int


async def read_meta(ticket_url: str) -> Meta:
    engine = create_engine(ticket_url)
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(text("SELECT * FROM bench_scale_meta"))).one()
    finally:
        await engine.dispose()
    return Meta(
        tick_at=row.tick_at,
        sizes=Sizes(units=row.units, rooms=row.rooms, tickets=row.tickets, due=row.due),
        last_event_id=row.last_event_id,
    )


async def reset_due_tickets(connection: AsyncConnection, meta: Meta) -> None:
    """Put the due tickets back as they were before any tick: their rows, and nothing of
    what a tick wrote (history lines, alerts, accountability records, outbox rows)."""
    columns = [column.name for column in Ticket.__table__.columns if column.name != "id"]
    assignments = ", ".join(f'"{name}" = due."{name}"' for name in columns)
    await _run(
        connection,
        f"DELETE FROM ticket_events WHERE id > {meta.last_event_id}",
        "DELETE FROM ticket_alerts WHERE ticket_id IN (SELECT id FROM bench_due)",
        "DELETE FROM accountability_records WHERE ticket_id IN (SELECT id FROM bench_due)",
        "DELETE FROM outbox",
        f"UPDATE tickets SET {assignments} FROM bench_due AS due WHERE tickets.id = due.id",
    )
