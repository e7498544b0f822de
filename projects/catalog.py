"""The renovation item catalog: the three classes of the State Council's 2020 guidance
(国办发〔2020〕23号《关于全面推进城镇老旧小区改造工作的指导意见》, part 二(二)), architecture §3, with
every item the guidance names, and "other" for what residents ask that it does not. Loaded by migration
0005 and re-ensured after every `migrate`/`flush` (like content types), so a flushed test database
or a restored dump never lacks it."""

CATALOG = [
    # code, class, Chinese, English
    ("water-supply", "basic", "供水设施改造", "Water supply"),
    ("drainage", "basic", "排水设施改造（雨污分流）", "Drainage and sewers"),
    ("power", "basic", "供电设施改造", "Power supply"),
    ("telecom", "basic", "弱电及通信设施改造", "Weak current and telecoms"),
    ("gas", "basic", "燃气管道改造", "Gas supply"),
    ("heating", "basic", "供热设施改造", "Heating"),
    ("lines-into-ducts", "basic", "架空线缆规整入地", "Overhead lines into ducts"),
    ("roads", "basic", "小区道路修缮", "Roads"),
    ("roof", "basic", "屋面防水修缮", "Roof repairs"),
    ("exterior-wall", "basic", "外墙修缮", "Exterior wall repairs"),
    ("stairwell", "basic", "楼道修缮", "Stairwell repairs"),
    ("fire-safety", "basic", "消防设施改造", "Fire safety"),
    ("security", "basic", "安防设施（门禁、监控）", "Security (access control, surveillance)"),
    ("waste-sorting", "basic", "生活垃圾分类设施", "Waste sorting facilities"),
    ("fibre", "basic", "光纤入户", "Fibre to the home"),
    ("lighting", "improvement", "照明设施", "Lighting"),
    ("charging", "improvement", "电动自行车及汽车充电设施", "EV and car charging"),
    ("parking", "improvement", "停车设施", "Parking"),
    ("energy-saving", "improvement", "建筑节能改造", "Energy-saving retrofit"),
    ("elevator", "improvement", "加装电梯", "Elevator installation"),
    ("barrier-free", "improvement", "无障碍及适老化改造", "Barrier-free and age-friendly"),
    ("greening", "improvement", "绿化提升", "Greening"),
    ("property-rooms", "improvement", "物业用房", "Property-management rooms"),
    ("illegal-structures", "improvement", "拆除违法建设", "Removal of illegal structures"),
    ("parcel-lockers", "improvement", "智能快件箱、智能信包箱", "Parcel and letter lockers"),
    ("culture-leisure", "improvement", "文化休闲设施", "Culture and leisure facilities"),
    ("sports-fitness", "improvement", "体育健身设施", "Sports and fitness facilities"),
    ("service-centre", "enhancement", "社区综合服务中心", "Community service centre"),
    ("health-station", "enhancement", "卫生服务站", "Health station"),
    ("kindergarten", "enhancement", "幼儿园", "Kindergarten"),
    ("smart-perimeter", "enhancement", "智慧安防感知", "Smart perimeter sensing"),
    ("elderly-care", "enhancement", "养老服务设施", "Elderly care"),
    ("childcare", "enhancement", "托育服务设施", "Childcare"),
    ("meal-assistance", "enhancement", "助餐设施", "Meal assistance"),
    ("housekeeping", "enhancement", "家政保洁服务设施", "Housekeeping"),
    ("convenience-store", "enhancement", "便民市场及便利店", "Convenience market and store"),
    ("postal-station", "enhancement", "邮政快递站点", "Postal and express station"),
    # Residents' own asks the guidance does not list ("希望…庄稼有地方晒"): described in the need's text.
    ("other", "other", "其他（请在说明中写明）", "Other (describe it)"),
]


def ensure_catalog(CatalogItem, using: str = "default") -> int:
    """Insert the catalog entries that are missing and keep every entry's position in the list's
    order (names and classes of existing ones are never changed); returns how many were added."""
    have = {item.code: item for item in CatalogItem.objects.using(using).all()}
    missing, moved = [], []
    for position, (code, klass, zh, en) in enumerate(CATALOG, start=1):
        item = have.get(code)
        if item is None:
            missing.append(CatalogItem(code=code, klass=klass, name_zh=zh, name_en=en, position=position))
        elif item.position != position:
            item.position = position
            moved.append(item)
    CatalogItem.objects.using(using).bulk_create(missing)
    CatalogItem.objects.using(using).bulk_update(moved, ["position"])
    return len(missing)


# 《建设工程质量管理条例》 art. 40: the minimum warranty periods under normal use — 5 years for roof
# waterproofing and the seepage-proofing of walls, 2 heating seasons for heating, 2 years for
# electrical lines, water supply and drainage, equipment installation and decoration works. An item
# the article names no period for takes 2 years; greening (a planting's establishment) 1 year; the
# plan's drafter may set any item longer (never below the minimum: checked in plan_item_add).
WARRANTY_MONTHS = {"roof": 60, "exterior-wall": 60, "greening": 12}
DEFAULT_WARRANTY_MONTHS = 24


def warranty_minimum(code: str) -> int:
    return WARRANTY_MONTHS.get(code, DEFAULT_WARRANTY_MONTHS)
