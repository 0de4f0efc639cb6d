"""The plans every database starts with, as drafts for the bureau to adapt (migration 0002).

The bureau's report: "组织力量制定了应急联动预案, 明确了领导机构,责任分工,工作原则,应急处置
程序、保障措施和培训管理办法等,同时制定了十多项专项预案 … 不仅适用于郑州市突发重大紧急事件需要
机关事务管理部门协同配合的情况,也适用于局统管办公区、住宅区各种突发事件的直接处置。"

So: one master plan (总体预案) and a special plan for each seeded incident type. They share
one organisation and one procedure template per level, and differ where the event does:
its activation criteria, the first response on site, the specialist work, the supplies and
teams. Holders are left empty on purpose: the bureau names its own people (readiness flags
roles without holders). Changing this module changes only databases made afterwards.

It is long because it is data — the wording of the thirteen seeded plans, one after the other — with
only the few functions that assemble them; splitting it would scatter one document set.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emergency_svc.plans.document import Level, PlanDocument, PlanKind

MASTER_CODE = "MASTER"
# Seeded plans get ids derived from their codes, the same in every database.
_SEED_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:guanjia:emergency:seed-plan")

PRINCIPLES = [
    "以人为本，安全第一：把保障机关干部职工生命安全放在首位。",
    "统一领导，分级负责：在局应急领导小组统一领导下，各工作组按职责分工负责。",
    "快速反应，协同应对：接报即动，先期处置，与市应急指挥部和属地部门协同联动。",
    "预防为主，平战结合：加强日常检查、物资储备、培训和演练，常备不懈。",
]

# role code → (title, duties)
ROLES: dict[str, tuple[str, str]] = {
    "commander": (
        "总指挥",
        "统一领导本局应急处置工作，决定预案的启动和终止，向市应急指挥部报告。",
    ),
    "deputy_commander": (
        "副总指挥",
        "协助总指挥工作，总指挥不在时代行其职责，负责现场指挥协调和善后恢复。",
    ),
    "communications": (
        "综合协调及信息联络组",
        "承担应急办公室日常工作，负责信息接报、核实、报送、对外联络和统一口径。",
    ),
    "site_lead": (
        "现场处置组",
        "负责事发现场先期处置、人员疏散和现场控制。",
    ),
    "engineering": (
        "工程抢修组",
        "负责水、电、气、暖、电梯、排水等设施设备的抢修和恢复。",
    ),
    "logistics": (
        "后勤保障组",
        "负责应急物资的储备、调拨，以及车辆、饮食和住宿保障。",
    ),
    "medical": (
        "医疗救护组",
        "负责伤病员现场救治和转运，配合卫生防疫工作。",
    ),
    "security": (
        "安全保卫组",
        "负责现场警戒、秩序维护、交通疏导和重要部位保卫。",
    ),
}

SAFEGUARD_NOTES = (
    "应急物资由后勤保障组按本预案储备，每季度检查一次并及时补充；"
    "各工作组通讯录每半年更新一次；应急经费列入年度预算。"
)


@dataclass(frozen=True)
class SpecialPlanSeed:
    """What sets one special plan apart from the template."""

    incident_type: str
    name: str
    first_response: str  # the site team's first action
    specialist_action: str
    criteria: tuple[str, str, str, str]  # activation criteria for I, II, III, IV
    supplies: tuple[tuple[str, int], ...]
    teams: tuple[str, ...]
    specialist_role: str = "engineering"
    # A role only this plan needs: (code, title, duties).
    extra_role: tuple[str, str, str] | None = None
    drill_interval_months: int = 12

    @property
    def code(self) -> str:
        return "SP-" + self.incident_type.upper().replace("_", "-")


SPECIAL_PLANS: tuple[SpecialPlanSeed, ...] = (
    SpecialPlanSeed(
        incident_type="fire",
        name="火灾",
        first_response="组织义务消防队用灭火器、消火栓扑救初起火灾，拨打119并引导消防车到场",
        specialist_action="切断着火区域非消防电源和燃气，启动消防水泵、排烟风机和应急照明",
        criteria=(
            "办公区或住宅区发生重大火灾，造成人员死亡或多人重伤，需市应急指挥部统一处置",
            "火灾蔓延至一个楼层以上或造成人员受伤，需疏散整栋建筑",
            "火灾蔓延至一个房间以上或需消防队到场扑救，无人员伤亡",
            "初起火灾，已扑灭或可迅速扑灭，无人员伤亡",
        ),
        supplies=(
            ("fire_extinguisher", 50),
            ("fire_blanket", 10),
            ("smoke_hood", 100),
            ("flashlight", 20),
            ("first_aid_kit", 5),
        ),
        teams=("义务消防队", "物业消防控制室值班人员"),
        # Fire is the commonest danger in crowded office buildings: drilled twice a year.
        drill_interval_months=6,
    ),
    SpecialPlanSeed(
        incident_type="power_outage",
        name="停电",
        first_response="查明停电范围和原因，启用应急照明，逐部排查电梯是否困人",
        specialist_action="启动备用发电机，优先保障消防、电梯、机房和重要会议用电，"
        "联系供电部门抢修",
        criteria=(
            "全市大面积停电，机关办公区长时间停电，需配合市指挥部处置",
            "全部办公区停电超过4小时，或影响重要会议、机房运行",
            "多栋办公楼停电，或预计超过2小时不能恢复",
            "单栋楼或局部区域停电，预计2小时内恢复",
        ),
        supplies=(
            ("generator", 2),
            ("diesel_fuel", 200),
            ("emergency_light", 30),
            ("flashlight", 50),
        ),
        teams=("配电值班电工", "供电企业抢修队（协调）"),
    ),
    SpecialPlanSeed(
        incident_type="water_outage",
        name="停水",
        first_response="查明停水范围和原因，关闭相关阀门，防止跑水和二次污染",
        specialist_action="抢修供水管道和二次供水设施，联系供水企业，恢复后检测水质",
        criteria=(
            "城市大范围停水或水源污染，需配合市指挥部保障饮用水",
            "全部办公区、住宅区停水超过12小时，或发生水质污染",
            "多栋楼或机关食堂停水，预计超过4小时不能恢复",
            "单栋楼停水，预计4小时内恢复",
        ),
        supplies=(
            ("drinking_water", 500),
            ("water_storage_tank", 20),
            ("pipe_repair_kit", 5),
            ("flashlight", 10),
        ),
        teams=("物业水电维修班", "供水企业抢修队（协调）"),
    ),
    SpecialPlanSeed(
        incident_type="gas_leak",
        name="燃气泄漏",
        first_response="关闭燃气总阀，打开门窗通风，严禁开关电器和使用明火，疏散周边人员",
        specialist_action="用检测仪查找泄漏点、测定浓度，联系燃气企业抢修，检测合格后恢复供气",
        criteria=(
            "发生燃气爆炸，造成人员伤亡或建筑严重受损",
            "泄漏引发燃烧或爆炸危险，需疏散整栋建筑，或造成人员中毒",
            "泄漏未能及时控制，需疏散所在楼层",
            "机关食堂或住户少量泄漏，已关阀控制",
        ),
        supplies=(
            ("gas_detector", 4),
            ("explosion_proof_flashlight", 10),
            ("fire_extinguisher", 20),
            ("first_aid_kit", 5),
        ),
        teams=("食堂燃气安全员", "燃气企业抢修队（协调）"),
    ),
    SpecialPlanSeed(
        incident_type="lift_entrapment",
        name="电梯困人",
        first_response="通过对讲安抚被困人员，确认轿厢位置和被困人数，告知不要强行扒门",
        specialist_action="通知电梯维保单位30分钟内到场，由持证人员按规程盘车放人",
        criteria=(
            "电梯坠落等事故造成人员死亡或多人重伤",
            "电梯事故造成人员受伤",
            "困人超过30分钟未解救，或被困人员身体不适",
            "电梯故障困人，无人员受伤",
        ),
        supplies=(
            ("lift_release_key", 5),
            ("flashlight", 10),
            ("drinking_water", 20),
            ("first_aid_kit", 2),
        ),
        teams=("电梯维保单位", "物业电梯管理员"),
    ),
    SpecialPlanSeed(
        incident_type="rainstorm_flood",
        name="暴雨洪涝",
        first_response="巡查地下车库、配电室和低洼处，设置挡水沙袋，转移车辆和物资",
        specialist_action="启动排水泵抽排积水，疏通排水管网，对进水的配电设施断电",
        criteria=(
            "暴雨红色预警，办公区、住宅区严重内涝，需转移人员",
            "暴雨橙色预警，配电室、机房受淹威胁或建筑受损",
            "暴雨黄色预警，地下车库或低洼处进水",
            "暴雨蓝色预警，或局部积水影响通行",
        ),
        supplies=(
            ("sandbag", 500),
            ("water_pump", 6),
            ("raincoat", 50),
            ("rubber_boots", 50),
            ("flashlight", 30),
            ("generator", 1),
        ),
        teams=("物业防汛抢险队", "机关干部志愿者"),
    ),
    SpecialPlanSeed(
        incident_type="snow_freeze",
        name="雨雪冰冻",
        first_response="清扫主要通道和出入口积雪，撒布融雪剂，设置防滑警示",
        specialist_action="检查供暖、供水管道防冻，巡查屋面、雨棚和树木积雪荷载",
        criteria=(
            "持续极端冰冻天气，供暖、供水、供电大面积中断",
            "暴雪橙色预警，供暖中断或建筑设施受损",
            "暴雪黄色预警，或管道冻裂影响办公",
            "降雪或道路结冰，影响通行",
        ),
        supplies=(
            ("snow_shovel", 100),
            ("de_icing_salt", 2000),
            ("anti_slip_mat", 100),
            ("generator", 1),
        ),
        teams=("物业保洁队", "机关干部扫雪志愿队"),
    ),
    SpecialPlanSeed(
        incident_type="earthquake",
        name="地震",
        first_response="震后组织人员沿疏散通道有序撤离至应急避难场地，清点人数",
        specialist_action="排查建筑结构、燃气、电力设施受损情况，关闭燃气和电源，设置危险区警示",
        criteria=(
            "发生破坏性地震，造成重大人员伤亡，需配合市抗震救灾指挥部处置",
            "建筑严重受损或造成人员伤亡",
            "建筑出现轻微损坏，需临时撤离",
            "本地有明显震感，建筑无明显损坏",
        ),
        supplies=(
            ("tent", 20),
            ("stretcher", 10),
            ("first_aid_kit", 20),
            ("drinking_water", 1000),
            ("instant_food", 1000),
            ("flashlight", 100),
        ),
        teams=("义务救援队", "医疗救护队"),
    ),
    SpecialPlanSeed(
        incident_type="public_health",
        name="公共卫生事件",
        first_response="对相关人员隔离观察，封闭相关区域，报告属地疾控机构",
        specialist_role="medical",
        specialist_action="配合疾控机构开展流行病学调查和消毒消杀，落实防控措施",
        criteria=(
            "发生特别重大突发公共卫生事件，需实行封闭管理",
            "疫情在机关内扩散，影响正常办公",
            "出现聚集性病例或确诊病例",
            "出现个别疑似传染病病例",
        ),
        supplies=(
            ("mask", 5000),
            ("protective_suit", 100),
            ("gloves", 2000),
            ("disinfectant", 200),
            ("thermometer", 50),
        ),
        teams=("机关医务室", "属地疾控机构（协调）"),
    ),
    SpecialPlanSeed(
        incident_type="food_safety",
        name="食品安全（机关食堂）",
        first_response="立即停止食用可疑食品，排查出现症状的就餐人员人数",
        specialist_role="catering",
        specialist_action="封存可疑食品和留样，暂停供餐，配合市场监管和疾控部门调查",
        extra_role=(
            "catering",
            "餐饮保障组",
            "负责机关食堂食品安全管理、留样封存、停供和恢复供餐。",
        ),
        criteria=(
            "食物中毒造成人员死亡",
            "30人以上食物中毒或出现重症病例",
            "3人以上出现食物中毒症状",
            "个别就餐人员出现疑似食物中毒症状",
        ),
        supplies=(
            ("sample_box", 50),
            ("disinfectant", 50),
            ("first_aid_kit", 5),
        ),
        teams=("食堂管理员及食品安全员", "机关医务室"),
    ),
    SpecialPlanSeed(
        incident_type="it_outage",
        name="信息系统故障",
        first_response="确认受影响的业务系统和范围，通知使用单位启用应急办理方式（纸质登记）",
        specialist_role="it_support",
        specialist_action="定位故障，启用备用系统或数据备份，恢复业务系统运行",
        extra_role=(
            "it_support",
            "信息技术保障组",
            "负责机房、网络和业务系统的故障排除、数据备份恢复和网络安全处置。",
        ),
        criteria=(
            "全部系统瘫痪或发生重大网络安全事件，需报网信和公安部门",
            "机房或核心网络中断，或发生数据泄露、勒索病毒",
            "多个业务系统中断，或中断超过2小时",
            "单个业务系统中断，2小时内可恢复",
        ),
        supplies=(
            ("ups_battery", 4),
            ("spare_network_switch", 2),
            ("generator", 1),
            ("flashlight", 10),
        ),
        teams=("信息中心运维值班", "系统运维服务商"),
    ),
    SpecialPlanSeed(
        incident_type="security_gathering",
        name="治安及群体性事件",
        first_response="了解聚集人员人数和诉求，做好劝导疏导，防止事态扩大",
        specialist_role="security",
        specialist_action="加强门岗值守和出入管控，保护重要部位，必要时报警请求公安支援",
        criteria=(
            "大规模群体性事件或暴力恐怖事件",
            "100人以上聚集、堵门或冲击办公区",
            "30人以上聚集，或出现冲突苗头",
            "少量人员聚集上访或一般治安事件",
        ),
        supplies=(
            ("megaphone", 5),
            ("crowd_barrier", 30),
            ("stab_resistant_vest", 10),
            ("flashlight", 20),
            ("first_aid_kit", 3),
        ),
        teams=("门卫保安队", "属地公安派出所（协调）"),
    ),
)

# (role, action, minutes allowed) per level, from the gravest. `{first}` and `{specialist}`
# are the event's own actions; the role SPECIALIST stands for the plan's specialist role.
SPECIALIST = "<specialist>"
PROCEDURE_TEMPLATE: dict[Level, tuple[tuple[str, str, int], ...]] = {
    Level.I: (
        ("communications", "接报后立即报告总指挥，并报市应急指挥部", 5),
        ("commander", "启动本预案，全体应急人员到岗，配合市应急指挥部统一指挥", 15),
        ("site_lead", "{first}", 10),
        ("security", "组织全部人员疏散撤离至安全区域，封控现场", 10),
        ("medical", "组织伤员救治，联系120转运", 15),
        (SPECIALIST, "{specialist}", 30),
        ("logistics", "启用全部应急储备物资，协调外部支援力量", 30),
        ("communications", "持续报送处置进展，配合做好信息发布", 30),
        ("deputy_commander", "组织善后处置、调查评估和恢复办公秩序", 4320),
    ),
    Level.II: (
        ("communications", "接报后立即报告总指挥，按规定报市应急指挥部", 10),
        ("commander", "启动本预案，召集应急领导小组部署处置工作", 30),
        ("site_lead", "{first}", 15),
        ("security", "组织人员疏散，设置警戒区域，维护现场秩序", 15),
        ("medical", "开展伤员救治，必要时联系120转运", 20),
        (SPECIALIST, "{specialist}", 60),
        ("logistics", "调拨应急物资和车辆，做好后勤保障", 30),
        ("communications", "每30分钟报告一次处置进展，统一对外口径", 30),
        ("deputy_commander", "组织善后处置，恢复正常办公秩序", 1440),
    ),
    Level.III: (
        ("communications", "接报核实后报告总指挥、副总指挥，通知各工作组", 10),
        ("deputy_commander", "赶赴现场，组织指挥处置", 30),
        ("site_lead", "{first}", 15),
        ("security", "设置警戒区域，疏导人员和车辆", 20),
        (SPECIALIST, "{specialist}", 60),
        ("logistics", "调拨应急物资，保障现场处置需要", 45),
        ("medical", "医疗救护人员到场待命", 30),
        ("communications", "处置结束后形成书面报告报应急办公室", 480),
    ),
    Level.IV: (
        ("communications", "接报后核实事件类型、地点和影响范围，报告副总指挥", 10),
        ("site_lead", "{first}", 15),
        (SPECIALIST, "{specialist}", 60),
        ("communications", "处置结束后填报事件信息，归档备案", 240),
    ),
}

MASTER_CRITERIA = (
    "发生特别重大突发事件，或市应急指挥部启动Ⅰ级响应需本局协同",
    "发生重大突发事件，造成人员伤亡或局统管办公区、住宅区大范围受影响",
    "发生较大突发事件，影响多栋建筑或需多个工作组协同处置",
    "发生一般突发事件，影响范围小，现场处置组可以处置",
)


def seed_plan_id(code: str) -> str:
    return str(uuid.uuid5(_SEED_NAMESPACE, code))


def master_plan_document() -> PlanDocument:
    return _plan_document(
        title="机关事务应急联动总体预案",
        kind=PlanKind.master,
        incident_types=[],
        scope=(
            "适用于本市发生突发事件需要机关事务管理部门协同配合的应急处置，以及局统管"
            "办公区、住宅区和机关食堂各类突发事件的直接处置。没有专项预案的事件按本预案处置。"
        ),
        first="控制现场，开展先期处置，防止事态扩大",
        specialist="组织专业力量开展抢险处置，尽快恢复水、电、气、暖等设施运行",
        specialist_role="engineering",
        roles=ROLES,
        criteria=MASTER_CRITERIA,
        supplies=(
            ("fire_extinguisher", 100),
            ("first_aid_kit", 20),
            ("flashlight", 100),
            ("generator", 2),
            ("drinking_water", 1000),
            ("sandbag", 500),
        ),
        teams=("义务消防队", "物业抢修队", "机关医务室", "门卫保安队"),
        drill_interval_months=12,
    )


def special_plan_document(seed: SpecialPlanSeed) -> PlanDocument:
    roles = dict(ROLES)
    if seed.extra_role is not None:
        code, title, duties = seed.extra_role
        roles[code] = (title, duties)
    return _plan_document(
        title=f"{seed.name}专项应急预案",
        kind=PlanKind.special,
        incident_types=[seed.incident_type],
        scope=(
            f"适用于局统管办公区、住宅区和机关食堂发生的{seed.name}事件的直接处置，以及"
            f"本市{seed.name}事件中需要机关事务管理部门协同配合的工作。"
        ),
        first=seed.first_response,
        specialist=seed.specialist_action,
        specialist_role=seed.specialist_role,
        roles=roles,
        criteria=seed.criteria,
        supplies=seed.supplies,
        teams=seed.teams,
        drill_interval_months=seed.drill_interval_months,
    )


def seed_plan_documents() -> list[tuple[str, PlanDocument]]:
    """(code, document) of every seeded plan, the master plan first."""
    return [(MASTER_CODE, master_plan_document())] + [
        (seed.code, special_plan_document(seed)) for seed in SPECIAL_PLANS
    ]


def seed_plan_rows(*, seeded_at: datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows of `plans`, `plan_versions` and `plan_incident_types` for every seeded
    plan: drafts at version 1, written by nobody (the migration)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "plans": [],
        "plan_versions": [],
        "plan_incident_types": [],
    }
    for code, document in seed_plan_documents():
        plan_id = seed_plan_id(code)
        rows["plans"].append(
            {
                "id": plan_id,
                "code": code,
                "title": document.title,
                "kind": document.kind.value,
                "incident_types": list(document.incident_types),
                "status": "draft",
                "version": 1,
                "created_at": seeded_at,
                "created_by": None,
            }
        )
        rows["plan_versions"].append(
            {
                "plan_id": plan_id,
                "version": 1,
                "document": document.model_dump(mode="json"),
                "created_at": seeded_at,
                "created_by": None,
            }
        )
        rows["plan_incident_types"].extend(
            {"plan_id": plan_id, "incident_type": code_, "in_force": False}
            for code_ in document.incident_types
        )
    return rows


def _plan_document(
    *,
    title: str,
    kind: PlanKind,
    incident_types: list[str],
    scope: str,
    first: str,
    specialist: str,
    specialist_role: str,
    roles: dict[str, tuple[str, str]],
    criteria: tuple[str, str, str, str],
    supplies: tuple[tuple[str, int], ...],
    teams: tuple[str, ...],
    drill_interval_months: int,
) -> PlanDocument:
    procedures = [
        {
            "level": level.value,
            "step": step,
            "role": specialist_role if role == SPECIALIST else role,
            "action": action.format(first=first, specialist=specialist),
            "within_minutes": minutes,
        }
        for level, steps in PROCEDURE_TEMPLATE.items()
        for step, (role, action, minutes) in enumerate(steps, start=1)
    ]
    levels = (Level.I, Level.II, Level.III, Level.IV)
    return PlanDocument.model_validate(
        {
            "title": title,
            "kind": kind.value,
            "incident_types": incident_types,
            "scope": scope,
            "principles": PRINCIPLES,
            "organization": [
                {"role": role, "title": role_title, "holders": [], "deputy": None}
                for role, (role_title, _) in roles.items()
            ],
            "responsibilities": [
                {"role": role, "duties": duties} for role, (_, duties) in roles.items()
            ],
            "activation_criteria": [
                {"level": level.value, "criteria": text}
                for level, text in zip(levels, criteria, strict=True)
            ],
            "procedures": procedures,
            "safeguards": {
                "supplies": [{"item_code": item, "quantity": n} for item, n in supplies],
                "teams": list(teams),
                "notes": SAFEGUARD_NOTES,
            },
            "drill_interval_months": drill_interval_months,
        }
    )
