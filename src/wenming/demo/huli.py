"""Static facts of the Huli demo (湖里区, Xiamen): streets, communities, units, special groups, place names.

Names of streets and communities are the real ones (domain.md §6); codes follow the statistical scheme
(6-digit county + 3-digit street + 3-digit community); boundaries are synthetic (see geography.py).
Units are plausible for the district; nothing here is a real person or a real telephone number.
The tables are kept one fact per line (formatter off): they are read and edited as data.
"""

from dataclasses import dataclass

from wenming.org.choices import UnitLevel

DISTRICT_CODE = "350206"
DISTRICT_NAME = "湖里区"
SYNTHETIC_NOTE = "示意边界，非真实行政区划"
# District government (区政府) as published on AMap, in GCJ-02; geography.py converts it to WGS-84.
GOVERNMENT_GCJ02 = (24.5122, 118.1457)  # (lat, lon)


@dataclass(frozen=True)
class StreetFact:
    serial: str  # 3-digit street serial of the statistical code
    name: str  # without the suffix 街道
    population: int  # resident population, order of magnitude of the 2020 census
    site: tuple[float, float]  # (lon, lat) Voronoi site placing the street roughly where it really is
    communities: tuple[str, ...]  # community names without the suffix 社区, in code order


@dataclass(frozen=True)
class UnitFact:
    code: str
    name: str
    short_name: str
    level: str
    parent: str = ""  # parent unit code
    address: str = ""


@dataclass(frozen=True)
class GroupFact:
    code: str
    name: str
    lead: str  # lead unit code
    members: tuple[str, ...]  # member unit codes (STREET_OFFICES: all five street offices)
    theme: str


def street_code(street: StreetFact) -> str:
    return f"{DISTRICT_CODE}{street.serial}000"


def community_code(street: StreetFact, index: int) -> str:
    """12-digit statistical code; communities (居委会) are numbered 001… inside their street."""
    return f"{DISTRICT_CODE}{street.serial}{index + 1:03d}"


def street_unit_code(street: StreetFact) -> str:
    return f"JD-{street_code(street)}"


def community_unit_code(code: str) -> str:
    return f"SQ-{code}"


# fmt: off
# A convex outline of the north of Xiamen Island inside lon 118.06–118.21, lat 24.47–24.57 (WGS-84).
# Convex on purpose: clipping a Voronoi cell (convex) by a convex parent always gives one polygon.
DISTRICT_OUTLINE = [
    (118.082, 24.489), (118.119, 24.483), (118.165, 24.484), (118.19, 24.5), (118.194, 24.528),
    (118.18, 24.548), (118.14, 24.555), (118.103, 24.552), (118.083, 24.534), (118.077, 24.51),
]

STREETS: tuple[StreetFact, ...] = (
    # 湖里: west / south-west, by the 东渡 port.
    StreetFact("001", "湖里", 236_000, (118.093, 24.496), tuple(
        "湖里 村里 徐厝 濠头 东渡 塘边 后浦 金鼎 南山 东荣 康乐 康晖 康泰 怡景 和通 新港 海天 兴华".split())),
    # 殿前: north-west.
    StreetFact("002", "殿前", 178_000, (118.099, 24.537), tuple(
        "兴隆 长乐 北站 神山 高殿 马垅 兴园 嘉福".split())),
    # 禾山: centre and north-east, around the district government.
    StreetFact("003", "禾山", 262_000, (118.148, 24.53), tuple(
        "枋湖 坂尚 钟宅 岭下 围里 禾欣 禾山 禾盛 禾缘 五缘湾北".split())),
    # 江头: south-centre.
    StreetFact("004", "江头", 196_000, (118.129, 24.492), tuple(
        "江头 吕厝 吕岭 园山 金尚 江村 蔡塘 后埔 金泰".split())),
    # 金山: east (五缘湾 south, 湖边水库).
    StreetFact("005", "金山", 158_000, (118.175, 24.514), tuple(
        "高林 五通 后坑 金山 金林 金安 湖边 金湖 金海".split())),
)

UNITS: tuple[UnitFact, ...] = (
    # 央属: central organs and enterprises — the district coordinates, it cannot order a fix.
    UnitFact("YS-GDHL", "国网厦门供电公司湖里供电服务中心", "湖里供电服务中心", UnitLevel.CENTRAL, address="湖里区金山路"),
    UnitFact("YS-YZHL", "中国邮政集团有限公司厦门市湖里区分公司", "湖里邮政分公司", UnitLevel.CENTRAL, address="湖里区湖里大道"),
    UnitFact("YS-DXHL", "中国电信股份有限公司厦门湖里分公司", "湖里电信分公司", UnitLevel.CENTRAL, address="湖里区嘉禾路"),
    UnitFact("YS-GHHL", "中国工商银行股份有限公司厦门湖里支行", "工商银行湖里支行", UnitLevel.CENTRAL),
    UnitFact("YS-JHHL", "中国建设银行股份有限公司厦门湖里支行", "建设银行湖里支行", UnitLevel.CENTRAL),
    UnitFact("YS-SWHL", "国家税务总局厦门市湖里区税务局", "湖里区税务局", UnitLevel.CENTRAL, address="湖里区金尚路"),
    UnitFact("YS-TLGQ", "中国铁路南昌局集团有限公司厦门高崎站", "高崎站", UnitLevel.CENTRAL, address="湖里区高崎南路"),
    # 省属
    UnitFact("SS-GSXM", "福建省高速公路集团有限公司厦门管理分公司", "福建高速厦门分公司", UnitLevel.PROVINCIAL),
    UnitFact("SS-XYHL", "兴业银行股份有限公司厦门湖里支行", "兴业银行湖里支行", UnitLevel.PROVINCIAL),
    UnitFact("SS-GDHL", "福建广电网络集团厦门分公司湖里营业部", "广电湖里营业部", UnitLevel.PROVINCIAL),
    # 市属
    UnitFact("SHI-GJJT", "厦门公交集团有限公司", "厦门公交集团", UnitLevel.MUNICIPAL, address="湖里区枋湖路"),
    UnitFact("SHI-JJDD", "厦门市公安局湖里分局交通警察大队", "湖里交警大队", UnitLevel.MUNICIPAL),
    UnitFact("SHI-ZYY", "厦门市中医院", "市中医院", UnitLevel.MUNICIPAL, address="湖里区仙岳路"),
    UnitFact("SHI-TYJT", "厦门特运集团有限公司", "特运集团", UnitLevel.MUNICIPAL),
    UnitFact("SHI-GDJT", "厦门轨道交通集团有限公司", "厦门地铁", UnitLevel.MUNICIPAL),
    UnitFact("SHI-BDC", "厦门市不动产登记中心湖里分中心", "不动产湖里分中心", UnitLevel.MUNICIPAL),
    UnitFact("SHI-XMYH", "厦门银行股份有限公司湖里支行", "厦门银行湖里支行", UnitLevel.MUNICIPAL),
    # 区属
    UnitFact("QS-XCB", "中共厦门市湖里区委宣传部", "区委宣传部", UnitLevel.DISTRICT, address="湖里区湖里大道"),
    UnitFact("QS-WMB", "厦门市湖里区精神文明建设办公室", "区文明办", UnitLevel.DISTRICT, parent="QS-XCB"),
    UnitFact("QS-CGJ", "厦门市湖里区城市管理局", "区城市管理局", UnitLevel.DISTRICT),
    UnitFact("QS-SJJ", "厦门市湖里区市场监督管理局", "区市场监管局", UnitLevel.DISTRICT),
    UnitFact("QS-JJJ", "厦门市湖里区建设与交通局", "区建设与交通局", UnitLevel.DISTRICT),
    UnitFact("QS-JYJ", "厦门市湖里区教育局", "区教育局", UnitLevel.DISTRICT),
    UnitFact("QS-WJJ", "厦门市湖里区卫生健康局", "区卫健局", UnitLevel.DISTRICT),
    UnitFact("QS-SWJ", "厦门市湖里区商务局", "区商务局", UnitLevel.DISTRICT),
    UnitFact("QS-WLJ", "厦门市湖里区文化和旅游局", "区文旅局", UnitLevel.DISTRICT),
    UnitFact("QS-MZJ", "厦门市湖里区民政局", "区民政局", UnitLevel.DISTRICT),
    UnitFact("QS-SZYL", "厦门市湖里区市政园林局", "区市政园林局", UnitLevel.DISTRICT),
    UnitFact("QS-ZWFW", "厦门市湖里区行政服务中心管理委员会", "区行政服务中心", UnitLevel.DISTRICT),
    UnitFact("QS-FYBJ", "厦门市湖里区妇幼保健院", "区妇幼保健院", UnitLevel.DISTRICT, parent="QS-WJJ"),
    # 企业
    UnitFact("QY-XSNM", "厦门夏商农贸市场管理有限公司", "夏商农贸", UnitLevel.ENTERPRISE),
    UnitFact("QY-ZJHX", "中建海峡建设发展有限公司", "中建海峡", UnitLevel.ENTERPRISE),
    UnitFact("QY-TFJS", "厦门特房建设工程集团有限公司", "特房建设", UnitLevel.ENTERPRISE),
    UnitFact("QY-SZJS", "厦门市市政建设开发有限公司", "市政建设", UnitLevel.ENTERPRISE),
    UnitFact("QY-WDGC", "厦门湖里万达广场商业管理有限公司", "湖里万达广场", UnitLevel.ENTERPRISE),
    UnitFact("QY-YHCS", "永辉超市股份有限公司厦门分公司", "永辉超市", UnitLevel.ENTERPRISE),
    UnitFact("QY-YHJD", "厦门悦华酒店有限公司", "悦华酒店", UnitLevel.ENTERPRISE, address="湖里区悦华路"),
    # 物业
    UnitFact("WY-GMWY", "厦门国贸物业管理有限公司", "国贸物业", UnitLevel.PROPERTY),
    UnitFact("WY-JFWY", "厦门建发物业服务集团有限公司", "建发物业", UnitLevel.PROPERTY),
    UnitFact("WY-LFWY", "厦门联发物业服务有限公司", "联发物业", UnitLevel.PROPERTY),
    UnitFact("WY-XYWY", "厦门象屿物业服务有限公司", "象屿物业", UnitLevel.PROPERTY),
    UnitFact("WY-TFWY", "厦门特房物业服务有限公司", "特房物业", UnitLevel.PROPERTY),
    UnitFact("WY-WKWY", "万科物业发展股份有限公司厦门分公司", "万科物业", UnitLevel.PROPERTY),
    UnitFact("WY-BGY", "碧桂园生活服务集团股份有限公司厦门分公司", "碧桂园服务", UnitLevel.PROPERTY),
    UnitFact("WY-AJWY", "厦门安居物业管理有限公司", "安居物业", UnitLevel.PROPERTY),
)
PROPERTY_UNITS = tuple(u.code for u in UNITS if u.level == UnitLevel.PROPERTY)
# District bureaus that take 包保 (guarantor) duty for communities; the office and the clinic do not.
GUARANTOR_UNITS = ("QS-XCB", "QS-CGJ", "QS-SJJ", "QS-JJJ", "QS-JYJ", "QS-WJJ", "QS-SWJ", "QS-WLJ", "QS-MZJ", "QS-SZYL", "QS-ZWFW")
STREET_OFFICES = "STREET_OFFICES"  # marker inside group member lists: all five street offices

GROUPS: tuple[GroupFact, ...] = (
    GroupFact("SG01", "市容环境卫生整治组", "QS-SZYL", ("QS-CGJ", STREET_OFFICES),
              "主次干道、背街小巷保洁，垃圾清运，公厕管理，乱堆乱放、乱贴乱画整治。"),
    GroupFact("SG02", "交通秩序整治组", "SHI-JJDD", ("QS-JJJ", "SHI-GJJT", "QS-CGJ", "SHI-GDJT", "QS-JYJ"),
              "机动车、非机动车乱停乱放，外卖骑手闯红灯、逆行，公交站点秩序整治。"),
    GroupFact("SG03", "农贸市场整治组", "QS-SJJ", ("QS-SWJ", "QY-XSNM", "QS-CGJ", "QS-WJJ", "QS-SZYL"),
              "农贸市场环境卫生、划行归市、公平秤、活禽隔离、公益广告设置。"),
    GroupFact("SG04", "公益广告宣传组", "QS-XCB", ("QS-WMB", "QS-CGJ", "SHI-GJJT", "QS-WLJ", "SHI-GDJT"),
              "核心价值观及讲文明树新风公益广告的设置数量、质量与维护。"),
    GroupFact("SG05", "小区物业管理整治组", "QS-JJJ", ("WY-GMWY", "WY-JFWY", "WY-LFWY", "WY-XYWY", "QS-MZJ"),
              "居民小区环境卫生、楼道堆物、消防通道、飞线充电、物业服务整治。"),
    GroupFact("SG06", "文明行为劝导组", "QS-WMB", ("QS-MZJ", "SHI-JJDD", "QS-JYJ", "QS-WLJ", "QS-CGJ"),
              "随地吐痰、乱扔垃圾、禁烟区吸烟、不文明养犬、插队等不文明行为劝导。"),
    GroupFact("SG07", "窗口单位服务提升组", "QS-ZWFW", ("YS-GDHL", "YS-YZHL", "YS-DXHL", "YS-GHHL", "YS-SWHL", "SHI-BDC", "QS-WJJ"),
              "政务大厅、医院、银行、供电、邮政等窗口单位的服务规范与便民设施。"),
    GroupFact("SG08", "建筑工地整治组", "QS-JJJ", ("QY-ZJHX", "QY-TFJS", "QS-CGJ", "SHI-GDJT"),
              "建筑工地围挡、扬尘防治、出入口冲洗、围挡公益广告设置。"),
    GroupFact("SG09", "校园周边环境整治组", "QS-JYJ", ("QS-SJJ", "SHI-JJDD", "QS-WLJ", "QS-CGJ"),
              "中小学校周边交通秩序、流动摊贩、200米内网吧及校园周边环境整治。"),
    GroupFact("SG10", "背街小巷和城中村整治组", "QS-CGJ", ("QS-SZYL", "QS-JJJ", STREET_OFFICES),
              "背街小巷、城中村环境卫生、路灯照明、违章搭建和“三线”乱拉整治。"),
)

# --- place names ---------------------------------------------------------------------------------------
MAIN_ROADS = tuple(
    "湖里大道 枋湖路 金尚路 江头北路 禾山路 五缘湾道 高林中路 吕岭路 兴隆路 殿前一路 "
    "嘉禾路 仙岳路 成功大道 金山路 悦华路 东渡路 海天路 华荣路 兴湖路 长岸路 "
    "安岭路 台湾街 云顶北路 环岛东路 钟宅路 湖边路 金湖路 高崎南路 园山南路 泗水道 "
    "湖里中路 华光路 岐山路 南山路 后埔路 蔡塘路 县后路 寨上路 长浩路 江村路"
    .split()
)
COMMERCIAL_STREETS = (  # (name, community where it lies)
    ("湖里大道步行街", "湖里"), ("SM商圈", "吕厝"), ("万达商业街", "金山"), ("五缘湾商业街", "五缘湾北"),
    ("江头商业街", "江头"), ("金山商圈", "金林"), ("殿前商业街", "高殿"), ("乐海商业街", "海天"),
    ("宝龙商业街", "兴隆"), ("枋湖商业街", "枋湖"),
)
PARKS = (  # (name, community where it lies)
    ("五缘湾湿地公园", "五缘湾北"), ("忠仑公园", "江村"), ("仙岳公园", "园山"), ("湖里公园", "湖里"),
    ("湖边水库公园", "湖边"), ("枋湖公园", "枋湖"), ("金山公园", "金山"), ("海天公园", "海天"),
    ("钟宅湾湿地公园", "钟宅"), ("高林公园", "高林"), ("兴隆公园", "兴隆"),
)
MARKET_COMMUNITIES = tuple("江头 金山 禾山 湖里 后埔 吕厝 高殿 兴隆 枋湖 钟宅 五通 塘边 东渡 金尚 高林".split())
HOSPITALS = (  # (name, unit code, community)
    ("厦门市中医院", "SHI-ZYY", "园山"), ("厦门市湖里区妇幼保健院", "QS-FYBJ", "金尚"),
)
CULTURE = (  # (name, community)
    ("湖里区图书馆", "金山"), ("湖里区文化馆", "禾山"), ("湖里区青少年宫", "金尚"),
    ("湖里区体育中心", "江村"), ("湖里区档案馆", "禾盛"), ("湖里区工人文化宫", "湖里"),
)
SCENIC = (  # (name, community)
    ("五缘湾景区", "五缘湾北"), ("华美空间文创园", "湖里"), ("湖里创意产业园", "东渡"), ("钟宅畲族风情街", "钟宅"),
)
STATIONS = (  # (name, unit code, community)
    ("厦门枋湖客运中心", "SHI-TYJT", "枋湖"), ("厦门高崎站", "YS-TLGQ", "北站"),
)
GOVERNMENT_HALLS = (  # (name, community)
    ("湖里区行政服务中心", "禾山"), ("江头街道便民服务中心", "江头"), ("金山街道便民服务中心", "金山"),
)
PERIPHERY = tuple("钟宅 坂尚 后坑 五通 高林 围里".split())  # 城乡接合部: former villages
BANKS = (  # (brand for the name, unit code)
    ("中国工商银行", "YS-GHHL"), ("中国建设银行", "YS-JHHL"), ("兴业银行", "SS-XYHL"), ("厦门银行", "SHI-XMYH"),
)
WINDOWS = (  # (name template with {c} for the community, unit code)
    ("国网湖里供电服务中心{c}营业厅", "YS-GDHL"), ("中国邮政{c}邮政所", "YS-YZHL"),
    ("中国电信{c}营业厅", "YS-DXHL"), ("湖里区税务局{c}办税服务厅", "YS-SWHL"),
    ("广电网络{c}营业厅", "SS-GDHL"), ("不动产登记{c}便民服务点", "SHI-BDC"),
)
HOTEL_BRANDS = tuple("全季酒店 如家酒店 汉庭酒店 亚朵酒店 维也纳酒店 锦江之星 希尔顿欢朋酒店 丽枫酒店".split())
MALLS = (  # (name, unit code or "" for the district commerce bureau, community)
    ("湖里万达广场", "QY-WDGC", "金山"), ("厦门SM城市广场", "", "吕厝"),
    ("宝龙一城", "", "兴隆"), ("五缘湾乐都汇", "", "五缘湾北"),
)
SUPERMARKET_BRANDS = (  # (brand, unit code or "" for the district commerce bureau)
    ("永辉超市", "QY-YHCS"), ("沃尔玛", ""), ("大润发", ""), ("元初食品", ""), ("见福便利店", ""),
)
NETCAFE_BRANDS = tuple("网鱼网咖 星际网咖 极光网咖 风云电竞 零度网咖 天空网咖 领航网咖 火狐电竞".split())
COMPOUND_PREFIXES = tuple("国贸 建发 联发 象屿 特房 万科 碧桂园 金湖 嘉福 海天 华润 兴隆 禾盛 五缘 金山 湖景 东方 阳光 翠湖 金尚 园山 蔡塘 滨海 紫金 融信 保利 世茂 中铁".split())
COMPOUND_SUFFIXES = tuple("花园 小区 新村 公寓 雅苑 名城 大厦 家园 佳园 华府 湾 城".split())
BUS_LINES = tuple("1 2 6 8 22 27 40 43 89 91 95 101 107 115 126 137".split())
STREET_SUFFIXES = ("", "社区", "路口", "东", "西", "南", "北", "小学", "市场")  # bus stop names: 江头社区站, 江头东站 …
# fmt: on
